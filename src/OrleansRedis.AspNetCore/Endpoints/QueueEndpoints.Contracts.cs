using System.Text.Json;
using OrleansRedis.Abstractions.Queues;

namespace OrleansRedis.AspNetCore.Endpoints;

// The bodies of the queue endpoints. Payloads, results and progress are JSON values kept as their text (RawJson).
public static partial class QueueEndpoints
{
    /// <summary>An enqueued job.</summary>
    /// <param name="JobId">The job's id; for a deduplicated enqueue, the first job's id.</param>
    /// <param name="Deduplicated">Whether the idempotency key matched an earlier job, so nothing was enqueued.</param>
    /// <param name="State">The job's state (waiting or delayed).</param>
    public sealed record EnqueueResponse(string JobId, bool Deduplicated, JobState State);

    /// <summary>The answer to a bulk enqueue: one entry per job, in the order sent.</summary>
    public sealed record BulkEnqueueResponse(IReadOnlyList<EnqueueResponse> Jobs);

    /// <summary>A job as <c>GET /queues/{queue}/jobs/{id}</c> answers it.</summary>
    public sealed record JobResponse(
        string Id,
        string Queue,
        JobState State,
        int Attempts,
        int MaxAttempts,
        string? Key,
        JobPriority Priority,
        RawJson Payload,
        string? LastError,
        RawJson? Result,
        RawJson? Progress,
        DateTimeOffset EnqueuedAtUtc,
        DateTimeOffset? RunAtUtc,
        DateTimeOffset? StartedAtUtc,
        DateTimeOffset? FinishedAtUtc,
        DateTimeOffset? LeaseExpiresAtUtc,
        string? Worker,
        string? IdempotencyKey);

    /// <summary>The body of <c>POST /queues/{queue}/jobs/{id}/release</c>.</summary>
    /// <param name="LeaseToken">The token of the lease handed back.</param>
    public sealed record ReleaseRequest(string? LeaseToken);

    /// <summary>The body of <c>POST /queues/{queue}/leases</c>.</summary>
    /// <param name="Worker">Who leases (shown on the jobs); 1-256 characters.</param>
    /// <param name="Max">Most jobs to lease, 1-1000; 1 when absent.</param>
    /// <param name="LeaseMs">The lease length, 1000 to the queue's <c>MaxLeaseTime</c>; the queue's <c>LeaseTime</c> when absent.</param>
    /// <param name="WaitMs">How long to wait when no job is ready, 0 (the default) to <c>Queues:MaxWait</c>.</param>
    public sealed record LeaseRequest(string? Worker, int? Max, long? LeaseMs, long? WaitMs);

    /// <summary>A leased job.</summary>
    /// <param name="Id">The job's id: the same on every attempt, the natural deduplication key of its side effect.</param>
    /// <param name="Payload">The payload as enqueued.</param>
    /// <param name="Key">The order key, when it has one.</param>
    /// <param name="Priority">The job's priority.</param>
    /// <param name="Attempt">This attempt's number, from 1.</param>
    /// <param name="MaxAttempts">Attempts allowed before the job is dead.</param>
    /// <param name="LeaseToken">Heartbeat, complete and fail must send it; refused for good once the lease is lost.</param>
    /// <param name="LeaseExpiresAtUtc">When the lease runs out (Redis's clock) unless a heartbeat extends it.</param>
    /// <param name="EnqueuedAtUtc">When the job was enqueued.</param>
    public sealed record LeasedJobResponse(
        string Id, RawJson Payload, string? Key, JobPriority Priority, int Attempt, int MaxAttempts, string LeaseToken,
        DateTimeOffset LeaseExpiresAtUtc, DateTimeOffset EnqueuedAtUtc);

    /// <summary>The jobs of one lease call; empty when none was ready within the wait.</summary>
    public sealed record LeasesResponse(IReadOnlyList<LeasedJobResponse> Jobs);

    /// <summary>The body of <c>POST /queues/{queue}/jobs/{id}/heartbeat</c>.</summary>
    /// <param name="LeaseToken">The token the lease answered.</param>
    /// <param name="LeaseMs">The new lease length from now; the queue's <c>LeaseTime</c> when absent.</param>
    /// <param name="Progress">Progress to record: any JSON value.</param>
    public sealed record HeartbeatRequest(string? LeaseToken, long? LeaseMs, JsonElement? Progress);

    /// <summary>An extended lease.</summary>
    public sealed record HeartbeatResponse(DateTimeOffset LeaseExpiresAtUtc);

    /// <summary>The body of <c>POST /queues/{queue}/jobs/{id}/complete</c>.</summary>
    /// <param name="LeaseToken">The token the lease answered.</param>
    /// <param name="Result">An optional result: any JSON value, at most <c>Queues:MaxPayloadBytes</c>.</param>
    public sealed record CompleteRequest(string? LeaseToken, JsonElement? Result);

    /// <summary>The body of <c>POST /queues/{queue}/jobs/{id}/fail</c>.</summary>
    /// <param name="LeaseToken">The token the lease answered.</param>
    /// <param name="Error">What went wrong (kept with the job; cut at 8 KiB).</param>
    /// <param name="RetryAfterMs">Retry after this long instead of the queue's backoff.</param>
    public sealed record FailRequest(string? LeaseToken, string? Error, long? RetryAfterMs);

    /// <summary>The outcome of a failed attempt.</summary>
    /// <param name="State"><c>failed</c> when it will be retried, <c>dead</c> when its attempts are spent.</param>
    /// <param name="NextAttemptAtUtc">When the retry becomes ready; absent when dead.</param>
    public sealed record FailResponse(JobState State, DateTimeOffset? NextAttemptAtUtc);

    /// <summary>A queue's figures, summed over its partitions.</summary>
    public sealed record StatsResponse(
        string Queue,
        int Partitions,
        bool Paused,
        long Waiting,
        long Delayed,
        long Active,
        long Dead,
        long Depth,
        long? OldestWaitingAgeMs,
        long Enqueued,
        long Started,
        long Completed,
        long Failed,
        long Retried,
        long DeadTotal,
        long Cancelled,
        long Deduplicated,
        DateTimeOffset AtUtc);

    /// <summary>A dead job.</summary>
    public sealed record DeadJobResponse(string Id, string? Key, RawJson Payload, int Attempts, string? Error, DateTimeOffset DeadAtUtc);

    /// <summary>Dead jobs, most recent first.</summary>
    public sealed record DeadJobsResponse(IReadOnlyList<DeadJobResponse> Jobs);

    /// <summary>How many dead jobs a purge deleted.</summary>
    public sealed record PurgedResponse(long Purged);

    /// <summary>The body of <c>PUT /queues/{queue}/schedules/{name}</c>: <c>cron</c> (with <c>timeZone</c>) or <c>intervalMs</c>.</summary>
    /// <param name="Cron">A cron expression: five fields, or six with seconds.</param>
    /// <param name="TimeZone">An IANA time-zone id for <paramref name="Cron"/>; UTC when absent.</param>
    /// <param name="IntervalMs">A fixed period, at least 1000.</param>
    /// <param name="Payload">The payload of each job: any JSON value.</param>
    /// <param name="Key">The order key of each job.</param>
    /// <param name="Priority">high, normal (the default) or low.</param>
    public sealed record ScheduleRequest(string? Cron, string? TimeZone, long? IntervalMs, JsonElement? Payload, string? Key, string? Priority);

    /// <summary>A recurring schedule.</summary>
    public sealed record ScheduleResponse(
        string Name, string? Cron, string? TimeZone, long? IntervalMs, RawJson Payload, string? Key, JobPriority Priority,
        DateTimeOffset? NextTickUtc, DateTimeOffset? LastTickUtc);

    /// <summary>The schedules of a queue.</summary>
    public sealed record SchedulesResponse(IReadOnlyList<ScheduleResponse> Schedules);

    private static EnqueueResponse Enqueued(EnqueueResult result) => new(result.JobId, result.Deduplicated, result.State);

    private static JobResponse Job(JobInfo job) => new(
        job.Id, job.Queue, job.State, job.Attempts, job.MaxAttempts, job.Key, job.Priority, new RawJson(job.Payload), job.LastError,
        RawJson.From(job.Result), RawJson.From(job.Progress), job.EnqueuedAtUtc, job.RunAtUtc, job.StartedAtUtc, job.FinishedAtUtc,
        job.LeaseExpiresAtUtc, job.Worker, job.IdempotencyKey);

    private static LeasedJobResponse Leased(LeasedJob job) => new(
        job.Id, new RawJson(job.Payload), job.Key, job.Priority, job.Attempt, job.MaxAttempts, job.LeaseToken, job.LeaseExpiresAtUtc, job.EnqueuedAtUtc);

    private static StatsResponse Stats(QueueStats stats) => new(
        stats.Queue, stats.Partitions, stats.Paused, stats.Waiting, stats.Delayed, stats.Active, stats.Dead, stats.Depth,
        stats.OldestWaitingAge is { } age ? (long)age.TotalMilliseconds : null, stats.Enqueued, stats.Started, stats.Completed,
        stats.Failed, stats.Retried, stats.DeadTotal, stats.Cancelled, stats.Deduplicated, stats.AtUtc);

    private static DeadJobResponse Dead(DeadJob job) => new(job.Id, job.Key, new RawJson(job.Payload), job.Attempts, job.Error, job.DeadAtUtc);

    private static ScheduleResponse Schedule(RecurringSchedule schedule) => new(
        schedule.Name, schedule.Cron, schedule.TimeZone, schedule.Interval is { } interval ? (long)interval.TotalMilliseconds : null,
        new RawJson(schedule.Payload), schedule.Key, schedule.Priority, schedule.NextTickUtc, schedule.LastTickUtc);
}
