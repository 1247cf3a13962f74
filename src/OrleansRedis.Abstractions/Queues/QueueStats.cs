namespace OrleansRedis.Abstractions.Queues;

/// <summary>A queue's figures summed over its partitions.</summary>
/// <param name="Queue">The queue's name.</param>
/// <param name="Partitions">How many partitions it has.</param>
/// <param name="Paused">Whether delivery is paused (on any partition).</param>
/// <param name="Waiting">Jobs ready or parked behind an earlier job of their key.</param>
/// <param name="Delayed">Jobs waiting for their run-at time or their retry.</param>
/// <param name="Active">Jobs leased now.</param>
/// <param name="Dead">Jobs in the dead-letter list.</param>
/// <param name="Depth">Jobs not finished (waiting, delayed and active): what the depth cap counts.</param>
/// <param name="OldestWaitingAge">How long the oldest ready job has waited; <see langword="null"/> when none is ready.</param>
/// <param name="Enqueued">Jobs enqueued since the counters began (deduplicated enqueues not counted).</param>
/// <param name="Started">Attempts started.</param>
/// <param name="Completed">Jobs completed.</param>
/// <param name="Failed">Attempts failed (a failure, an expired lease).</param>
/// <param name="Retried">Failed attempts scheduled for a retry.</param>
/// <param name="DeadTotal">Jobs that died.</param>
/// <param name="Cancelled">Jobs cancelled.</param>
/// <param name="Deduplicated">Enqueues answered by an idempotency key.</param>
/// <param name="AtUtc">When the figures were read (Redis's clock): two readings give throughput.</param>
[GenerateSerializer, Immutable, Alias("orleansredis.queue.stats")]
public sealed record QueueStats(
    string Queue,
    int Partitions,
    bool Paused,
    long Waiting,
    long Delayed,
    long Active,
    long Dead,
    long Depth,
    TimeSpan? OldestWaitingAge,
    long Enqueued,
    long Started,
    long Completed,
    long Failed,
    long Retried,
    long DeadTotal,
    long Cancelled,
    long Deduplicated,
    DateTimeOffset AtUtc);
