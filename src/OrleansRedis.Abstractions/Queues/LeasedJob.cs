namespace OrleansRedis.Abstractions.Queues;

/// <summary>A job handed to a worker or handler under a lease.</summary>
/// <param name="Id">The job's id: stable across attempts, the natural deduplication key of a side effect.</param>
/// <param name="Queue">The queue's name.</param>
/// <param name="Payload">The job's JSON payload as enqueued.</param>
/// <param name="Key">The job's order key, when it has one.</param>
/// <param name="Priority">The job's priority.</param>
/// <param name="Attempt">This attempt's number, from 1.</param>
/// <param name="MaxAttempts">The attempts allowed before the job is dead.</param>
/// <param name="LeaseToken">
/// The fencing token of this lease (<c>"{epoch}.{random}"</c>): heartbeat, complete and fail must present it; once the
/// lease runs out and the job is leased again, or the partition restarts, this token is refused for good.
/// </param>
/// <param name="LeaseExpiresAtUtc">When the lease runs out by Redis's clock unless extended by a heartbeat.</param>
/// <param name="EnqueuedAtUtc">When the job was enqueued (Redis's clock).</param>
[GenerateSerializer, Immutable, Alias("orleansredis.queue.leased-job")]
public sealed record LeasedJob(
    string Id,
    string Queue,
    string Payload,
    string? Key,
    JobPriority Priority,
    int Attempt,
    int MaxAttempts,
    string LeaseToken,
    DateTimeOffset LeaseExpiresAtUtc,
    DateTimeOffset EnqueuedAtUtc);
