using System.Globalization;
using OrleansRedis.Abstractions.Queues;
using OrleansRedis.Bench.Harness;

namespace OrleansRedis.Bench.Queues;

/// <summary>
/// This project's queue: jobs enqueued through the queue grain from an external Orleans client in the benchmark
/// process, run by an external worker process (<c>OrleansRedis.Bench worker orleansredis</c>, see
/// <see cref="OrleansRedisWorker"/>) that leases over the .NET client. Its own Redis and two silo processes.
/// </summary>
public sealed class OrleansRedisQueueSystem : QueueSystem
{
    /// <summary>Repetitions the declared benchmark queues allow (one queue per measurement and repetition).</summary>
    public const int MaxRepeats = 5;

    private static readonly string[] Runs =
        ["queue-enqueue-one", "queue-enqueue-bulk-50", "queue-process-c1", "queue-process-c100", "queue-latency-idle", "queue-kill-worker"];

    private readonly BenchEnvironment _environment;
    private IQueueGrain _queue;
    private string _name = "";

    private OrleansRedisQueueSystem(BenchEnvironment environment)
    {
        _environment = environment;
        _queue = environment.Grains.GetGrain<IQueueGrain>("unused");
    }

    /// <inheritdoc />
    public override string Name => "OrleansRedis queue (external worker, .NET client)";

    /// <inheritdoc />
    public override IReadOnlyList<(string Label, int ProcessId)> ServerProcesses =>
        [("redis", _environment.Redis.ProcessId), .. _environment.Silos.Select((s, i) => ($"silo{i + 1}", s.ProcessId))];

    /// <summary>The silo settings that declare one queue per measurement and repetition.</summary>
    public static IReadOnlyDictionary<string, string> SiloSettings { get; } = Runs
        .SelectMany(run => Enumerable.Range(0, MaxRepeats).Select(repeat => $"{run}-{repeat}"))
        .SelectMany(queue => new[]
        {
            // Deep enough for every job a measurement enqueues: the enqueue loops leave theirs unprocessed.
            ($"OrleansRedis__Queues__Definitions__{queue}__MaxDepth", "10000000"),
            // Finished jobs go after the least retention the queue allows (1 s), as BullMQ's do at once here
            // (removeOnComplete): kept the default hour, every finished job of the run stayed in this Redis (389 MB
            // against BullMQ's 227 MB at one moment of a run), and in each AOF rewrite of it.
            ($"OrleansRedis__Queues__Definitions__{queue}__Retention", "00:00:01"),
        })
        .ToDictionary(p => p.Item1, p => p.Item2);

    /// <summary>
    /// Starts a fresh Redis, two silos (<c>BENCH_QUEUE_SILOS</c> sets another count: 1 is the control without a gateway
    /// hop, docs/benchmarks.md) and a client for the queue.
    /// </summary>
    public static async Task<OrleansRedisQueueSystem> StartAsync() =>
        new(await BenchEnvironment.StartAsync(
            silos: int.TryParse(Environment.GetEnvironmentVariable("BENCH_QUEUE_SILOS"), out var silos) && silos > 0 ? silos : 2, SiloSettings));

    /// <inheritdoc />
    public override Task ResetAsync(string run)
    {
        _name = run;
        _queue = _environment.Grains.GetGrain<IQueueGrain>(run);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override async Task<BenchResult> MeasureEnqueueAsync(string scenario, int batch, int callers, TimeSpan duration)
    {
        var result = await LoadRunner.RunAsync(scenario, Name, callers, duration, (worker, sequence) => batch == 1
            ? _queue.EnqueueAsync(Job($"e{worker}-{sequence}"))
            : _queue.EnqueueManyAsync([.. Enumerable.Range(0, batch).Select(i => Job($"e{worker}-{sequence}-{i}"))]));
        return result with { Operations = result.Operations * batch, OpsPerSecond = result.OpsPerSecond * batch };
    }

    /// <inheritdoc />
    public override async Task PrefillAsync(int count, string prefix)
    {
        const int chunk = 500;
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var start = Interlocked.Increment(ref next) * chunk; start < count; start = Interlocked.Increment(ref next) * chunk)
            {
                var jobs = Enumerable.Range(start, Math.Min(chunk, count - start)).Select(i => Job($"{prefix}{i}")).ToList();
                await RetryAsync(() => _queue.EnqueueManyAsync(jobs));
            }
        })));
    }

    /// <inheritdoc />
    public override async Task SendPacedAsync(int count, TimeSpan gap, Func<string, Task> started)
    {
        for (var i = 0; i < count; i++)
        {
            await _queue.EnqueueAsync(Job($"l{i}"));
            await started($"l{i}");
            await Task.Delay(gap);
        }
    }

    /// <inheritdoc />
    public override async Task<long> CompletedAsync() => (await _queue.GetStatsAsync()).Completed;

    /// <inheritdoc />
    public override Task<WorkerProcess> StartWorkerAsync(WorkerSpec spec) =>
        WorkerProcess.StartAsync("dotnet", [typeof(OrleansRedisQueueSystem).Assembly.Location, "worker", "orleansredis",
            "--redis", _environment.Redis.ConnectionString, "--cluster", _environment.ClusterId, "--service", _environment.ServiceId,
            "--queue", _name, "--concurrency", Text(spec.Concurrency), "--work-ms", Text(spec.WorkMs),
            "--report", spec.Report, "--visibility-ms", Text(spec.VisibilityMs)]);

    /// <inheritdoc />
    public override async ValueTask DisposeAsync() => await _environment.DisposeAsync();

    // A call that failed (a Redis timeout on a loaded machine) is sent again: a prefill only needs the jobs there.
    private static async Task RetryAsync(Func<Task> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await call();
                return;
            }
            catch (Exception) when (attempt < 5)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
        }
    }

    private static JobSpec Job(string id) => new(BenchJob.Payload(id, NowUs()));

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
