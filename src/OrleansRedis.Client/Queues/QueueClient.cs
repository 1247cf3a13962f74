using System.Text.Json;
using OrleansRedis.Abstractions.Queues;
using OrleansRedis.Client.Locks;

namespace OrleansRedis.Client.Queues;

/// <summary>
/// The queues for .NET producers and workers, over the grain interfaces: enqueue (typed payloads serialized as JSON),
/// lease with a long poll, heartbeat, complete and fail with the lease's token. Every method throws
/// <see cref="QueueException"/> as <see cref="IQueueGrain"/> does: <see cref="QueueErrorCode.UnknownQueue"/>,
/// <see cref="QueueErrorCode.QueueFull"/> (with <see cref="QueueException.RetryAfter"/>),
/// <see cref="QueueErrorCode.LeaseLost"/> (the work must not be applied), <see cref="QueueErrorCode.Invalid"/>.
/// </summary>
public sealed class QueueClient(IGrainFactory grains)
{
    /// <summary>The JSON settings of typed payloads and results: camelCase, as the HTTP API writes them.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>Gets the grain of queue <paramref name="queue"/>.</summary>
    /// <exception cref="ArgumentException">The name cannot be a queue's.</exception>
    public IQueueGrain Queue(string queue)
    {
        if (!QueueLimits.IsValidQueueName(queue))
        {
            throw new ArgumentException(
                $"A queue name of 1-{QueueLimits.MaxQueueNameLength} characters of ASCII letters, digits, '.', '_' or '-' is required.", nameof(queue));
        }

        return grains.GetGrain<IQueueGrain>(queue);
    }

    /// <summary>Enqueues <paramref name="job"/> (its payload already JSON text).</summary>
    public Task<EnqueueResult> EnqueueAsync(string queue, JobSpec job) => Queue(queue).EnqueueAsync(job);

    /// <summary>
    /// Enqueues <paramref name="payload"/> serialized as JSON (<see cref="JsonOptions"/>), with the job's other settings
    /// from <paramref name="job"/> (its <see cref="JobSpec.Payload"/> is ignored).
    /// </summary>
    public Task<EnqueueResult> EnqueueAsync<TPayload>(string queue, TPayload payload, JobSpec? job = null) =>
        Queue(queue).EnqueueAsync((job ?? new JobSpec("null")) with { Payload = JsonSerializer.Serialize(payload, JsonOptions) });

    /// <summary>Enqueues up to <c>Queues:MaxBulk</c> jobs in one call; one result per job, in order.</summary>
    public Task<IReadOnlyList<EnqueueResult>> EnqueueManyAsync(string queue, IReadOnlyList<JobSpec> jobs) => Queue(queue).EnqueueManyAsync(jobs);

    /// <summary>
    /// Leases up to <paramref name="max"/> ready jobs for <paramref name="lease"/> (the queue's <c>LeaseTime</c> when
    /// zero), waiting up to <paramref name="wait"/> (cut to the silo's <c>Queues:MaxWait</c>) when none is ready. An
    /// empty list after the wait is a normal answer. Cancelling ends the wait and never drops leased jobs: the calls
    /// that lease are not cancelled, and jobs leased as the cancellation came are released (<see cref="QueueLeasing"/>).
    /// </summary>
    public Task<IReadOnlyList<LeasedJob>> LeaseAsync(
        string queue, string worker, int max, TimeSpan lease, TimeSpan wait, CancellationToken cancellationToken = default) =>
        Queue(queue).LeaseAsync(worker, max, lease, wait, TimeProvider.System, cancellationToken);

    /// <summary>Hands <paramref name="job"/> back unrun: ready again at once, the attempt not counted, its key kept.</summary>
    public Task ReleaseAsync(LeasedJob job) => Queue(job.Queue).ReleaseAsync(job.Id, job.LeaseToken);

    /// <summary>Extends <paramref name="job"/>'s lease to <paramref name="lease"/> from now (the queue's <c>LeaseTime</c> when null), recording <paramref name="progress"/>.</summary>
    /// <returns>The new lease expiry (Redis's clock).</returns>
    public Task<DateTimeOffset> HeartbeatAsync(LeasedJob job, TimeSpan? lease = null, string? progress = null) =>
        Queue(job.Queue).HeartbeatAsync(job.Id, job.LeaseToken, lease, progress);

    /// <summary>Completes <paramref name="job"/> with an optional JSON <paramref name="result"/>.</summary>
    public Task CompleteAsync(LeasedJob job, string? result = null) => Queue(job.Queue).CompleteAsync(job.Id, job.LeaseToken, result);

    /// <summary>Fails this attempt of <paramref name="job"/>: retried after backoff (or <paramref name="retryAfter"/>) while attempts remain, else dead.</summary>
    public Task<JobFailResult> FailAsync(LeasedJob job, string error, TimeSpan? retryAfter = null) =>
        Queue(job.Queue).FailAsync(job.Id, job.LeaseToken, error, retryAfter);

    /// <summary>Reads a job; <see langword="null"/> when there is none.</summary>
    public Task<JobInfo?> GetJobAsync(string queue, string jobId) => Queue(queue).GetJobAsync(jobId);

    /// <summary>Cancels a job that has not finished; <see langword="null"/> when there is none.</summary>
    public Task<JobInfo?> CancelAsync(string queue, string jobId) => Queue(queue).CancelAsync(jobId);

    /// <summary>
    /// Returns whether <paramref name="exception"/> says the cluster or Redis could not be reached for now (worth a
    /// retry), as opposed to a refusal (a lost lease, bad input, an unknown queue).
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        QueueException queue => queue.Code == QueueErrorCode.Unavailable,
        _ => LockClient.IsTransient(exception),
    };
}
