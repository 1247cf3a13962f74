using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OrleansRedis.Abstractions.Queues;
using OrleansRedis.Redis.Queues;

namespace OrleansRedis.Grains.Queues;

/// <summary>
/// The router of a queue; see <see cref="IQueueGrain"/>. Stateless: a job goes to the partition of its key (else of its
/// idempotency key, so a duplicate meets the first, else a rotating one); a job id names its partition; figures are
/// summed. Leasing tries partitions from a rotating start without waiting, then waits on all of them at once.
/// </summary>
[GrainType("queue")]
[StatelessWorker]
[Reentrant]
public sealed class QueueGrain(IOptions<QueueOptions> options, TimeProvider time) : Grain, IQueueGrain
{
    private int _next = Random.Shared.Next(1024);

    /// <inheritdoc />
    public async Task<EnqueueResult> EnqueueAsync(JobSpec job)
    {
        var (name, definition) = Find();
        if (job is null)
        {
            throw QueueRequests.Invalid(name, "job", "A job is required.");
        }

        var results = await Partition(name, PartitionOf(job, definition)).EnqueueAsync([job]);
        return results[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<EnqueueResult>> EnqueueManyAsync(IReadOnlyList<JobSpec> jobs)
    {
        var (name, definition) = Find();
        if (jobs is not { Count: > 0 } || jobs.Count > options.Value.MaxBulk)
        {
            throw QueueRequests.Invalid(name, "jobs", $"A bulk enqueue carries 1-{options.Value.MaxBulk} jobs (it had {jobs?.Count ?? 0}).");
        }

        // Every job is checked before any share is written, so bad input never leaves a share behind. Jobs without key or
        // idempotency key are spread over the partitions (each holds only its share of MaxDepth).
        var anywhere = Rotate(definition.Partitions);
        var shares = new Dictionary<int, List<int>>();
        for (var i = 0; i < jobs.Count; i++)
        {
            Check(name, i, jobs[i], definition);
            var p = Routed(jobs[i], definition) ?? anywhere++ % definition.Partitions;
            if (!shares.TryGetValue(p, out var list))
            {
                shares[p] = list = [];
            }

            list.Add(i);
        }

        var calls = shares.Select(async share =>
        {
            try
            {
                var results = await Partition(name, share.Key).EnqueueAsync([.. share.Value.Select(i => jobs[i])]);
                return (share.Value, Results: results, Error: (Exception?)null);
            }
            catch (Exception ex)
            {
                return (share.Value, Results: (IReadOnlyList<EnqueueResult>?)null, Error: ex);
            }
        }).ToList();
        var answers = await Task.WhenAll(calls);
        if (answers.FirstOrDefault(a => a.Error is not null).Error is { } error)
        {
            // A share was refused (full) or failed: take back the shares that were written, one script per partition, so
            // the bulk stays all or nothing and their idempotency keys do not answer removed jobs (a job leased in between
            // stays; a share whose call failed after its script ran cannot be known here).
            await Task.WhenAll(answers.Where(a => a.Results is not null).Select(written =>
                OfJob(written.Results![0].JobId).RollbackAsync([.. written.Results!.Where(r => !r.Deduplicated).Select(r => r.JobId)])));
            throw error;
        }

        var ordered = new EnqueueResult[jobs.Count];
        foreach (var (indexes, results, _) in answers)
        {
            for (var j = 0; j < indexes.Count; j++)
            {
                ordered[indexes[j]] = results![j];
            }
        }

        return ordered;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<LeasedJob>> LeaseAsync(string worker, int max, TimeSpan lease, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        var (name, definition) = Find();
        QueueRequests.CheckWorker(name, worker);
        QueueRequests.CheckMax(name, max);
        QueueRequests.LeaseMs(name, lease, definition);
        var bound = QueueRequests.Wait(name, wait, options.Value);
        var leased = await QueueLeasing.LeaseFromPartitionsAsync(
            p => Partition(name, p), definition.Partitions, Rotate(definition.Partitions), worker, max, lease, bound, time, cancellationToken);
        if (leased.Count > 0 && cancellationToken.IsCancellationRequested)
        {
            await QueueLeasing.ReleaseAllAsync(this.AsReference<IQueueGrain>(), leased);
            return [];
        }

        return leased;
    }

    /// <inheritdoc />
    public async Task<bool> WaitForWorkAsync(TimeSpan wait, CancellationToken cancellationToken = default)
    {
        var (name, definition) = Find();
        return await QueueLeasing.WaitAnyAsync(p => Partition(name, p), definition.Partitions, QueueRequests.Wait(name, wait, options.Value), cancellationToken) is not null;
    }

    /// <inheritdoc />
    public Task<DateTimeOffset> HeartbeatAsync(string jobId, string leaseToken, TimeSpan? lease = null, string? progress = null) =>
        OfJob(jobId).HeartbeatAsync(jobId, leaseToken, lease, progress);

    /// <inheritdoc />
    public Task CompleteAsync(string jobId, string leaseToken, string? result = null) => OfJob(jobId).CompleteAsync(jobId, leaseToken, result);

    /// <inheritdoc />
    public Task<IReadOnlyList<LeasedJob>> CompleteAndLeaseAsync(string jobId, string leaseToken, string? result, string worker, int max, TimeSpan lease) =>
        OfJob(jobId).CompleteAndLeaseAsync(jobId, leaseToken, result, worker, max, lease);

    /// <inheritdoc />
    public Task<JobFailResult> FailAsync(string jobId, string leaseToken, string error, TimeSpan? retryAfter = null) =>
        OfJob(jobId).FailAsync(jobId, leaseToken, error, retryAfter);

    /// <inheritdoc />
    public Task ReleaseAsync(string jobId, string leaseToken) => OfJob(jobId).ReleaseAsync(jobId, leaseToken);

    /// <inheritdoc />
    public Task<JobInfo?> GetJobAsync(string jobId) => OfJob(jobId, orNull: true) is { } p ? p.GetJobAsync(jobId) : Task.FromResult<JobInfo?>(null);

    /// <inheritdoc />
    public Task<JobInfo?> CancelAsync(string jobId) => OfJob(jobId, orNull: true) is { } p ? p.CancelAsync(jobId) : Task.FromResult<JobInfo?>(null);

    /// <inheritdoc />
    public async Task<QueueStats> GetStatsAsync()
    {
        var (name, definition) = Find();
        var all = await Task.WhenAll(Enumerable.Range(0, definition.Partitions).Select(p => Partition(name, p).GetStatsAsync()));
        return new QueueStats(
            name, definition.Partitions, all.Any(s => s.Paused), all.Sum(s => s.Waiting), all.Sum(s => s.Delayed), all.Sum(s => s.Active),
            all.Sum(s => s.Dead), all.Sum(s => s.Depth), all.Max(s => s.OldestWaitingAge), all.Sum(s => s.Enqueued), all.Sum(s => s.Started),
            all.Sum(s => s.Completed), all.Sum(s => s.Failed), all.Sum(s => s.Retried), all.Sum(s => s.DeadTotal), all.Sum(s => s.Cancelled),
            all.Sum(s => s.Deduplicated), all.Max(s => s.AtUtc));
    }

    /// <inheritdoc />
    public Task PauseAsync() => ForAll(p => p.SetPausedAsync(true));

    /// <inheritdoc />
    public Task ResumeAsync() => ForAll(p => p.SetPausedAsync(false));

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeadJob>> GetDeadAsync(int limit = 100)
    {
        var (name, definition) = Find();
        if (limit is < 1 or > 1000)
        {
            throw QueueRequests.Invalid(name, "limit", $"The limit must be between 1 and 1000 (it was {limit}).");
        }

        var all = await Task.WhenAll(Enumerable.Range(0, definition.Partitions).Select(p => Partition(name, p).GetDeadAsync(limit)));
        return [.. all.SelectMany(d => d).OrderByDescending(d => d.DeadAtUtc).Take(limit)];
    }

    /// <inheritdoc />
    public Task<bool> RetryDeadAsync(string jobId) => OfJob(jobId, orNull: true) is { } p ? p.RetryDeadAsync(jobId) : Task.FromResult(false);

    /// <inheritdoc />
    public async Task<long> PurgeDeadAsync(DateTimeOffset? olderThanUtc = null)
    {
        var (name, definition) = Find();
        var all = await Task.WhenAll(Enumerable.Range(0, definition.Partitions).Select(p => Partition(name, p).PurgeDeadAsync(olderThanUtc)));
        return all.Sum();
    }

    private void Check(string name, int index, JobSpec? job, QueueDefinition definition)
    {
        try
        {
            QueueRequests.Draft(name, 0, job!, definition, options.Value);
        }
        catch (QueueException ex) when (ex.Code == QueueErrorCode.Invalid)
        {
            // Named as the HTTP bulk names its fields ("[3].payload"), so a bulk's refusal says which job.
            throw QueueRequests.Invalid(name, $"[{index}].{ex.Field ?? "job"}", $"Job {index}: {ex.Message}");
        }
    }

    /// <summary>The partition of a job with a key or an idempotency key; <see langword="null"/> for one that may go anywhere.</summary>
    internal static int? Routed(JobSpec job, QueueDefinition definition) =>
        (job.Key ?? job.IdempotencyKey) is { } routing ? QueueIds.PartitionOf(routing, definition.Partitions) : null;

    private int PartitionOf(JobSpec job, QueueDefinition definition) => Routed(job, definition) ?? Rotate(definition.Partitions);

    private int Rotate(int count) => (int)((uint)Interlocked.Increment(ref _next) % (uint)count);

    private (string Name, QueueDefinition Definition) Find()
    {
        var name = this.GetPrimaryKeyString();
        return options.Value.Find(name) ?? throw QueueRequests.UnknownQueue(name);
    }

    private IQueuePartitionGrain Partition(string name, int partition) => GrainFactory.GetGrain<IQueuePartitionGrain>($"{name}#{partition}");

    private IQueuePartitionGrain? OfJob(string jobId, bool orNull = false)
    {
        var (name, definition) = Find();
        if (QueueLimits.TryGetPartition(jobId, out var p) && p < definition.Partitions)
        {
            return Partition(name, p);
        }

        return orNull ? null : throw QueueRequests.NotFound(name, jobId);
    }

    private IQueuePartitionGrain OfJob(string jobId) => OfJob(jobId, orNull: false)!;

    private Task ForAll(Func<IQueuePartitionGrain, Task> action)
    {
        var (name, definition) = Find();
        return Task.WhenAll(Enumerable.Range(0, definition.Partitions).Select(p => action(Partition(name, p))));
    }
}
