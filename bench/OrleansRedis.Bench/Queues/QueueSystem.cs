using OrleansRedis.Bench.Harness;

namespace OrleansRedis.Bench.Queues;

/// <summary>How a worker process runs: its concurrency, the time each job takes and what it reports.</summary>
/// <param name="Concurrency">Jobs run at once.</param>
/// <param name="WorkMs">Time each job takes (0: a no-op job).</param>
/// <param name="Report"><c>count</c> (COUNT samples), <c>start</c> (enqueue-to-start latency per job) or <c>ran</c> (job ids
/// as each starts and as each finishes).</param>
/// <param name="VisibilityMs">How long a job taken by a worker stays invisible to other workers (lease, lock or invisibility timeout).</param>
public sealed record WorkerSpec(int Concurrency, int WorkMs, string Report, int VisibilityMs = 30_000);

/// <summary>
/// One job system in the queue benchmark, on a Redis of its own (a fresh <c>redis-server</c> per system, AOF everysec).
/// Every system enqueues jobs that carry <c>{id, t0}</c> (t0: the enqueue time in unix microseconds) and runs its
/// workers as separate processes speaking <see cref="WorkerProcess"/>'s line protocol.
/// </summary>
public abstract class QueueSystem : IAsyncDisposable
{
    /// <summary>Gets the name used as the variant in the report.</summary>
    public abstract string Name { get; }

    /// <summary>Gets the server-side processes (redis-server, silos) whose CPU time each measurement reports.</summary>
    public abstract IReadOnlyList<(string Label, int ProcessId)> ServerProcesses { get; }

    /// <summary>Gets whether the system has a bulk enqueue call.</summary>
    public virtual bool HasBulkEnqueue => true;

    /// <summary>Starts from an empty queue named after <paramref name="run"/> for the next measurement.</summary>
    public abstract Task ResetAsync(string run);

    /// <summary>Measures enqueue throughput: <paramref name="callers"/> loops each enqueueing <paramref name="batch"/> jobs per call.</summary>
    public abstract Task<BenchResult> MeasureEnqueueAsync(string scenario, int batch, int callers, TimeSpan duration);

    /// <summary>Enqueues <paramref name="count"/> jobs (ids <paramref name="prefix"/>0...) as fast as the system allows.</summary>
    public abstract Task PrefillAsync(int count, string prefix);

    /// <summary>
    /// Enqueues <paramref name="count"/> jobs (ids <c>l0</c>...) one at a time on an idle queue: each after the previous
    /// one started (<paramref name="started"/> answers when job id did) and <paramref name="gap"/> more.
    /// </summary>
    public abstract Task SendPacedAsync(int count, TimeSpan gap, Func<string, Task> started);

    /// <summary>Reads how many jobs of the current run the system itself recorded as completed (its own counter).</summary>
    public abstract Task<long> CompletedAsync();

    /// <summary>Starts a worker process and waits until it consumes.</summary>
    public abstract Task<WorkerProcess> StartWorkerAsync(WorkerSpec spec);

    /// <inheritdoc />
    public abstract ValueTask DisposeAsync();

    /// <summary>Returns the current unix time in microseconds (the clock every worker compares t0 with).</summary>
    public static long NowUs() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;
}
