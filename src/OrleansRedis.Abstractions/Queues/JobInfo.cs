namespace OrleansRedis.Abstractions.Queues;

/// <summary>A job as Redis has it at one moment.</summary>
/// <param name="Id">The job's id.</param>
/// <param name="Queue">The queue's name.</param>
/// <param name="State">Where the job is.</param>
/// <param name="Attempts">Attempts started so far.</param>
/// <param name="MaxAttempts">Attempts allowed.</param>
/// <param name="Key">The job's order key, when it has one.</param>
/// <param name="Priority">The job's priority.</param>
/// <param name="Payload">The job's JSON payload.</param>
/// <param name="LastError">The error of the last failed attempt, when one failed.</param>
/// <param name="Result">The JSON result of a completed job, when it gave one.</param>
/// <param name="Progress">The last progress reported by a heartbeat.</param>
/// <param name="EnqueuedAtUtc">When it was enqueued.</param>
/// <param name="RunAtUtc">When a delayed or failed job becomes ready.</param>
/// <param name="StartedAtUtc">When the last attempt started.</param>
/// <param name="FinishedAtUtc">When it completed, died or was cancelled.</param>
/// <param name="LeaseExpiresAtUtc">When an active job's lease runs out.</param>
/// <param name="Worker">Who holds (or last held) the lease.</param>
/// <param name="IdempotencyKey">
/// The idempotency key it was enqueued with, when it had one; a recurring schedule's job has
/// <c>schedule:{name}:{tickUnixMs}</c>, which names the tick it runs for.
/// </param>
[GenerateSerializer, Immutable, Alias("orleansredis.queue.job-info")]
public sealed record JobInfo(
    string Id,
    string Queue,
    JobState State,
    int Attempts,
    int MaxAttempts,
    string? Key,
    JobPriority Priority,
    string Payload,
    string? LastError,
    string? Result,
    string? Progress,
    DateTimeOffset EnqueuedAtUtc,
    DateTimeOffset? RunAtUtc,
    DateTimeOffset? StartedAtUtc,
    DateTimeOffset? FinishedAtUtc,
    DateTimeOffset? LeaseExpiresAtUtc,
    string? Worker,
    string? IdempotencyKey = null);
