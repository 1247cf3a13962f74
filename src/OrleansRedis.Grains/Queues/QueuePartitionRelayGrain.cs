using Orleans.Concurrency;
using Orleans.Runtime;
using OrleansRedis.Abstractions.Queues;

namespace OrleansRedis.Grains.Queues;

/// <summary>
/// Passes each call on to its partition; see <see cref="IQueuePartitionRelayGrain"/>. A stateless worker, so it runs on
/// the silo its caller's call came in through; one activation per silo (reentrant: a long poll waiting in it holds up
/// nothing), no state: a relay on a silo that goes away is activated again wherever its caller's next call enters.
/// The worker's routes rest on an Orleans client sending every call to one grain id through the same gateway (its
/// grain bucket); QueuePartitionRelayTests check that a relay's calls all run on one silo.
/// </summary>
[GrainType("queue-partition-relay")]
[StatelessWorker(1)]
[Reentrant]
public sealed class QueuePartitionRelayGrain(ILocalSiloDetails silo) : Grain, IQueuePartitionRelayGrain
{
    private IQueuePartitionGrain? _partition;

    // The key is the partition's key and "/r/{n}".
    private IQueuePartitionGrain Partition => _partition ??= GrainFactory.GetGrain<IQueuePartitionGrain>(
        this.GetPrimaryKeyString() is var key && key.LastIndexOf("/r/", StringComparison.Ordinal) is var at and > 0
            ? key[..at]
            : throw new QueueException(QueueErrorCode.NotFound, key, $"The relay key '{key}' names no partition."));

    /// <inheritdoc />
    public Task<SiloAddress> GetRelaySiloAsync() => Task.FromResult(silo.SiloAddress);

    /// <inheritdoc />
    public Task<SiloAddress> GetSiloAsync() => Partition.GetSiloAsync();

    /// <inheritdoc />
    public Task<IReadOnlyList<EnqueueResult>> EnqueueAsync(IReadOnlyList<JobSpec> jobs) => Partition.EnqueueAsync(jobs);

    /// <inheritdoc />
    public Task<IReadOnlyList<LeasedJob>> LeaseAsync(string worker, int max, TimeSpan lease, TimeSpan wait, CancellationToken cancellationToken = default) =>
        Partition.LeaseAsync(worker, max, lease, wait, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<LeasedJob>> LeaseOrWaitAsync(string worker, int max, TimeSpan lease, TimeSpan wait, Guid waitId) =>
        Partition.LeaseOrWaitAsync(worker, max, lease, wait, waitId);

    /// <inheritdoc />
    public Task EndWaitAsync(Guid waitId) => Partition.EndWaitAsync(waitId);

    /// <inheritdoc />
    public Task<bool> WaitForWorkAsync(TimeSpan wait, CancellationToken cancellationToken = default) => Partition.WaitForWorkAsync(wait, cancellationToken);

    /// <inheritdoc />
    public Task<DateTimeOffset> HeartbeatAsync(string jobId, string leaseToken, TimeSpan? lease = null, string? progress = null) =>
        Partition.HeartbeatAsync(jobId, leaseToken, lease, progress);

    /// <inheritdoc />
    public Task CompleteAsync(string jobId, string leaseToken, string? result = null) => Partition.CompleteAsync(jobId, leaseToken, result);

    /// <inheritdoc />
    public Task<IReadOnlyList<LeasedJob>> CompleteAndLeaseAsync(string jobId, string leaseToken, string? result, string worker, int max, TimeSpan lease) =>
        Partition.CompleteAndLeaseAsync(jobId, leaseToken, result, worker, max, lease);

    /// <inheritdoc />
    public Task<JobCompletions> CompleteManyAndLeaseAsync(IReadOnlyList<JobCompletion> completions, string worker, int max, TimeSpan lease) =>
        Partition.CompleteManyAndLeaseAsync(completions, worker, max, lease);

    /// <inheritdoc />
    public Task<JobFailResult> FailAsync(string jobId, string leaseToken, string error, TimeSpan? retryAfter = null) =>
        Partition.FailAsync(jobId, leaseToken, error, retryAfter);

    /// <inheritdoc />
    public Task ReleaseAsync(string jobId, string leaseToken) => Partition.ReleaseAsync(jobId, leaseToken);

    /// <inheritdoc />
    public Task<JobInfo?> GetJobAsync(string jobId) => Partition.GetJobAsync(jobId);

    /// <inheritdoc />
    public Task<JobInfo?> CancelAsync(string jobId) => Partition.CancelAsync(jobId);

    /// <inheritdoc />
    public Task<int> RollbackAsync(IReadOnlyList<string> jobIds) => Partition.RollbackAsync(jobIds);

    /// <inheritdoc />
    public Task<QueueStats> GetStatsAsync() => Partition.GetStatsAsync();

    /// <inheritdoc />
    public Task SetPausedAsync(bool paused) => Partition.SetPausedAsync(paused);

    /// <inheritdoc />
    public Task<IReadOnlyList<DeadJob>> GetDeadAsync(int limit) => Partition.GetDeadAsync(limit);

    /// <inheritdoc />
    public Task<bool> RetryDeadAsync(string jobId) => Partition.RetryDeadAsync(jobId);

    /// <inheritdoc />
    public Task<long> PurgeDeadAsync(DateTimeOffset? olderThanUtc) => Partition.PurgeDeadAsync(olderThanUtc);

    /// <inheritdoc />
    public Task PingAsync() => Partition.PingAsync();
}
