using Orleans.Concurrency;
using Orleans.Metadata;

namespace OrleansRedis.Abstractions.Queues;

/// <summary>
/// One partition of a queue, keyed <c>"{queue}#{partition}"</c>: the only consumer of its Redis streams, the owner of
/// its leases, timers (delayed jobs, lease expiry) and waiting workers, and, when the queue has in-silo handlers, their
/// dispatcher. Each state change is one Lua script on the partition's hash-tagged keys. Callers normally go through
/// <see cref="IQueueGrain"/>; the HTTP API and the worker may call a partition directly when they know it (from a
/// job id) to save a hop. The same exceptions as <see cref="IQueueGrain"/>. A reference by key is the partition itself;
/// <see cref="IQueuePartitionRelayGrain"/> is the other grain type with this interface.
/// </summary>
[Alias("orleansredis.queue.partition")]
[DefaultGrainType("queue-partition")]
public interface IQueuePartitionGrain : IGrainWithStringKey
{
    /// <summary>Enqueues jobs already routed here, all or nothing when the partition is at its depth cap.</summary>
    [Alias("enqueue")]
    Task<IReadOnlyList<EnqueueResult>> EnqueueAsync(IReadOnlyList<JobSpec> jobs);

    /// <summary>Leases up to <paramref name="max"/> ready jobs, waiting up to <paramref name="wait"/> when none is ready.</summary>
    [Alias("lease")]
    Task<IReadOnlyList<LeasedJob>> LeaseAsync(string worker, int max, TimeSpan lease, TimeSpan wait, CancellationToken cancellationToken = default);

    /// <summary>
    /// Leases like <see cref="LeaseAsync"/>, as one of the waits a worker holds on every partition at once: the call is
    /// never cancelled (a cancelled call's answer is dropped, and with it the jobs it leased), it is ended instead by
    /// <see cref="EndWaitAsync"/> with the same <paramref name="waitId"/>, and then answers at once: no jobs, or the jobs
    /// it leased just before (which the caller runs or releases).
    /// </summary>
    [Alias("lease-wait")]
    Task<IReadOnlyList<LeasedJob>> LeaseOrWaitAsync(string worker, int max, TimeSpan lease, TimeSpan wait, Guid waitId);

    /// <summary>
    /// Ends the wait of <see cref="LeaseOrWaitAsync"/> with <paramref name="waitId"/> (another partition answered first,
    /// or the worker stops); one that arrives before its wait ends that wait as it starts.
    /// </summary>
    [Alias("end-wait"), OneWay]
    Task EndWaitAsync(Guid waitId);

    /// <summary>
    /// Waits up to <paramref name="wait"/> until the partition has ready work (an enqueue, a retry or a delayed job came
    /// due, a resume); answers at once when it already has. <see langword="true"/> when there is work to lease.
    /// </summary>
    [Alias("wait-work")]
    Task<bool> WaitForWorkAsync(TimeSpan wait, CancellationToken cancellationToken = default);

    /// <summary>See <see cref="IQueueGrain.HeartbeatAsync"/>.</summary>
    [Alias("heartbeat")]
    Task<DateTimeOffset> HeartbeatAsync(string jobId, string leaseToken, TimeSpan? lease = null, string? progress = null);

    /// <summary>See <see cref="IQueueGrain.CompleteAsync"/>.</summary>
    [Alias("complete")]
    Task CompleteAsync(string jobId, string leaseToken, string? result = null);

    /// <summary>See <see cref="IQueueGrain.CompleteAndLeaseAsync"/>; the jobs come from this partition.</summary>
    [Alias("complete-lease")]
    Task<IReadOnlyList<LeasedJob>> CompleteAndLeaseAsync(string jobId, string leaseToken, string? result, string worker, int max, TimeSpan lease);

    /// <summary>
    /// Completes a batch of this partition's jobs (the slots of one worker that finished together) in one call and then
    /// leases up to <paramref name="max"/> ready jobs for <paramref name="worker"/>, like
    /// <see cref="CompleteAndLeaseAsync"/> for each. A completion whose token no longer holds its job, or that is refused
    /// (a result too large), is answered in its status and does not stop the others; the lease obeys what
    /// <see cref="LeaseAsync"/> obeys, and once the completions landed a lease that fails answers no jobs rather than an
    /// error.
    /// </summary>
    /// <param name="completions">1-1000 completions.</param>
    /// <param name="worker">The worker's name.</param>
    /// <param name="max">The most jobs to lease (0: none).</param>
    /// <param name="lease">The lease length of the jobs leased.</param>
    [Alias("complete-many-lease")]
    Task<JobCompletions> CompleteManyAndLeaseAsync(IReadOnlyList<JobCompletion> completions, string worker, int max, TimeSpan lease);

    /// <summary>See <see cref="IQueueGrain.FailAsync"/>.</summary>
    [Alias("fail")]
    Task<JobFailResult> FailAsync(string jobId, string leaseToken, string error, TimeSpan? retryAfter = null);

    /// <summary>See <see cref="IQueueGrain.ReleaseAsync"/>.</summary>
    [Alias("release")]
    Task ReleaseAsync(string jobId, string leaseToken);

    /// <summary>See <see cref="IQueueGrain.GetJobAsync"/>.</summary>
    [Alias("get-job")]
    Task<JobInfo?> GetJobAsync(string jobId);

    /// <summary>See <see cref="IQueueGrain.CancelAsync"/>.</summary>
    [Alias("cancel")]
    Task<JobInfo?> CancelAsync(string jobId);

    /// <summary>
    /// Takes back jobs that <see cref="EnqueueAsync"/> wrote here when another share of the same bulk was refused: jobs
    /// not leased yet are removed with their idempotency keys (a job leased in between stays). Answers how many were removed.
    /// </summary>
    [Alias("rollback")]
    Task<int> RollbackAsync(IReadOnlyList<string> jobIds);

    /// <summary>Reads this partition's figures.</summary>
    [Alias("stats")]
    Task<QueueStats> GetStatsAsync();

    /// <summary>Stops (<see langword="true"/>) or restarts delivery on this partition.</summary>
    [Alias("pause")]
    Task SetPausedAsync(bool paused);

    /// <summary>Lists up to <paramref name="limit"/> dead jobs of this partition, most recent first.</summary>
    [Alias("dead")]
    Task<IReadOnlyList<DeadJob>> GetDeadAsync(int limit);

    /// <summary>See <see cref="IQueueGrain.RetryDeadAsync"/>.</summary>
    [Alias("retry-dead")]
    Task<bool> RetryDeadAsync(string jobId);

    /// <summary>See <see cref="IQueueGrain.PurgeDeadAsync"/>.</summary>
    [Alias("purge-dead")]
    Task<long> PurgeDeadAsync(DateTimeOffset? olderThanUtc);

    /// <summary>
    /// Answers the silo that hosts this partition's activation (a relay answers its partition's): where a caller's calls
    /// to it are cheapest to enter the cluster (<see cref="IQueuePartitionRelayGrain"/>).
    /// </summary>
    [Alias("silo")]
    Task<SiloAddress> GetSiloAsync();

    /// <summary>Keeps the partition active (its timers and handlers run while it lives); called by each silo's keeper.</summary>
    [Alias("ping")]
    Task PingAsync();
}
