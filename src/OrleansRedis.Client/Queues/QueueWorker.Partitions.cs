using System.Globalization;
using OrleansRedis.Abstractions.Queues;

namespace OrleansRedis.Client.Queues;

// The worker talks to its queue's partitions directly (a job id names its partition), not through the queue's router:
// the long poll waits on every partition and leases from the one that woke; completions of slots that finish together
// go to their partition in one call, which also leases their next jobs.
public sealed partial class QueueWorker
{
    // The most completions one call carries (a partition takes up to 1000).
    private const int MaxCompletionBatch = 256;

    private readonly Dictionary<int, CompletionPump> _pumps = [];
    private QueueShape? _shape;
    private int _next = Random.Shared.Next(1024);

    /// <summary>The queue's canonical name and partition count, as its router answers them.</summary>
    private sealed record QueueShape(string Name, int Partitions);

    private async Task<QueueShape> ShapeAsync()
    {
        if (_shape is { } known)
        {
            return known;
        }

        var stats = await QueueGrain.GetStatsAsync().ConfigureAwait(false);
        return _shape = new QueueShape(stats.Queue, Math.Max(1, stats.Partitions));
    }

    // Through the partition's relay on its own silo once one is known (PartitionRoutes), else straight to it.
    private IQueuePartitionGrain Partition(string queue, int partition) =>
        _routes.Get(queue, partition) ?? DirectPartition(queue, partition);

    private IQueuePartitionGrain DirectPartition(string queue, int partition) =>
        _grains.GetGrain<IQueuePartitionGrain>(PartitionKey(queue, partition));

    private static string PartitionKey(string queue, int partition) => string.Create(CultureInfo.InvariantCulture, $"{queue}#{partition}");

    // A leased job names its partition (its id) and the queue's canonical name (its Queue).
    private IQueuePartitionGrain PartitionOf(LeasedJob job) =>
        QueueLimits.TryGetPartition(job.Id, out var partition)
            ? Partition(job.Queue, partition)
            : throw new QueueException(QueueErrorCode.NotFound, job.Queue, $"The job id '{job.Id}' names no partition.");

    /// <summary>Leases up to <paramref name="max"/> jobs straight from the partitions (<see cref="QueueLeasing.LeaseFromPartitionsAsync"/>).</summary>
    private async Task<IReadOnlyList<LeasedJob>> LeaseAsync(int max, CancellationToken stoppingToken)
    {
        var shape = await ShapeAsync().ConfigureAwait(false);
        return await QueueLeasing.LeaseFromPartitionsAsync(
            p => Partition(shape.Name, p), shape.Partitions, (int)((uint)Interlocked.Increment(ref _next) % (uint)shape.Partitions),
            _options.Worker, max, _options.LeaseTime, _options.MaxWait, _time, stoppingToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Hands one finished job to its partition's pump: it goes out with the other completions waiting for that partition
    /// in one call, which also leases a next job for each slot that asked for one (<paramref name="leaseNext"/>).
    /// </summary>
    private Task<CompletionAnswer> CompleteInBatchAsync(LeasedJob job, string? result, bool leaseNext)
    {
        QueueLimits.TryGetPartition(job.Id, out var partition);
        CompletionPump pump;
        lock (_pumps)
        {
            if (!_pumps.TryGetValue(partition, out pump!))
            {
                _pumps[partition] = pump = new CompletionPump(this, job.Queue, partition);
            }
        }

        return pump.Add(new JobCompletion(job.Id, job.LeaseToken, result), leaseNext);
    }

    /// <summary>One completion's outcome, the reason of a refusal, and the slot's next job (leased at <paramref name="LeasedAt"/>).</summary>
    private readonly record struct CompletionAnswer(JobCompletionStatus Status, string? Reason, LeasedJob? Next, long LeasedAt);

    /// <summary>
    /// The completions of one partition: one call in flight at a time; what finishes meanwhile goes out together in the
    /// next call. A call that fails fails each of its completions (their slots retry them alone).
    /// </summary>
    // The pattern of the grains' RequestCoalescer, not that class: it lives with the grains (this client does not
    // reference them), it answers its requests inline on the batch's context (right on a grain's scheduler; here each
    // slot's next job would start on the pump's thread, behind the other answers of the batch), and it sends a request
    // that arrives alone at once, where this pump yields once so that slots finishing together share the first call.
    private sealed class CompletionPump(QueueWorker worker, string queue, int partition)
    {
        private readonly List<Item> _pending = [];
        private bool _running;

        public Task<CompletionAnswer> Add(JobCompletion completion, bool leaseNext)
        {
            var item = new Item(completion, leaseNext);
            bool start;
            lock (_pending)
            {
                _pending.Add(item);
                start = !_running;
                _running = true;
            }

            if (start)
            {
                _ = RunAsync();
            }

            return item.Answer.Task;
        }

        private async Task RunAsync()
        {
            // Slots that finish at the same moment (a leased batch of no-op jobs) join the first call.
            await Task.Yield();
            while (true)
            {
                List<Item> batch;
                lock (_pending)
                {
                    if (_pending.Count == 0)
                    {
                        _running = false;
                        return;
                    }

                    var take = Math.Min(_pending.Count, MaxCompletionBatch);
                    batch = _pending.GetRange(0, take);
                    _pending.RemoveRange(0, take);
                }

                var wanted = worker._stopping ? 0 : batch.Count(i => i.LeaseNext);
                try
                {
                    var leasedAt = worker._time.GetTimestamp();
                    var answer = await worker.Partition(queue, partition).CompleteManyAndLeaseAsync(
                        [.. batch.Select(i => i.Completion)], worker._options.Worker, wanted, worker._options.LeaseTime).ConfigureAwait(false);
                    var next = 0;
                    for (var i = 0; i < batch.Count; i++)
                    {
                        // A slot whose completion was lost is free all the same: it may run a next job.
                        var job = batch[i].LeaseNext && next < answer.Leased.Count ? answer.Leased[next++] : null;
                        batch[i].Answer.TrySetResult(new CompletionAnswer(answer.Statuses[i], answer.Reasons[i], job, leasedAt));
                    }

                    // Never more than asked for; should a partition answer more, they go back unstarted.
                    for (; next < answer.Leased.Count; next++)
                    {
                        await worker.ReturnAsync(new JobLease(answer.Leased[next], leasedAt + worker.Ticks(worker._options.LeaseTime))).ConfigureAwait(false);
                    }
                }
                catch (Exception ex)
                {
                    foreach (var item in batch)
                    {
                        item.Answer.TrySetException(ex);
                    }
                }
            }
        }

        private sealed class Item(JobCompletion completion, bool leaseNext)
        {
            public JobCompletion Completion { get; } = completion;

            public bool LeaseNext { get; } = leaseNext;

            public TaskCompletionSource<CompletionAnswer> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }
}
