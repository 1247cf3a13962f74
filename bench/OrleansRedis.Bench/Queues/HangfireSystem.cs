using System.Globalization;
using Hangfire;
using Hangfire.Redis.StackExchange;
using OrleansRedis.Bench.Harness;
using OrleansRedis.Testing;

namespace OrleansRedis.Bench.Queues;

/// <summary>
/// Hangfire 1.8.25 with Hangfire.Redis.StackExchange 1.12.0: jobs enqueued through <see cref="BackgroundJobClient"/>
/// from the benchmark process, run by a <see cref="BackgroundJobServer"/> in a worker process
/// (<c>OrleansRedis.Bench worker hangfire</c>, see <see cref="HangfireWorker"/>).
/// </summary>
public sealed class HangfireSystem : QueueSystem
{
    private readonly RedisServer _redis;
    private string _prefix = "hf:";
    private RedisStorage _storage;
    private BackgroundJobClient _client;

    private HangfireSystem(RedisServer redis)
    {
        _redis = redis;
        (_storage, _client) = Connect();
    }

    /// <inheritdoc />
    public override string Name => "Hangfire 1.8.25 + Hangfire.Redis.StackExchange 1.12.0";

    /// <inheritdoc />
    public override IReadOnlyList<(string Label, int ProcessId)> ServerProcesses => [("redis", _redis.ProcessId)];

    /// <inheritdoc />
    public override bool HasBulkEnqueue => false;

    /// <summary>Starts a fresh Redis for Hangfire.</summary>
    public static async Task<HangfireSystem> StartAsync()
    {
        HangfireWorker.ConfigureGlobal();
        return new HangfireSystem(await RedisServer.StartAsync("--appendfsync", "everysec"));
    }

    /// <inheritdoc />
    public override async Task ResetAsync(string run)
    {
        await _redis.RunCliAsync("flushall");
        _prefix = $"hf:{run}:";
        (_storage, _client) = Connect();
    }

    /// <inheritdoc />
    public override async Task<BenchResult> MeasureEnqueueAsync(string scenario, int batch, int callers, TimeSpan duration)
    {
        var result = await LoadRunner.RunAsync(scenario, Name, callers, duration, (worker, sequence) =>
        {
            // Hangfire has no bulk call (batches are Hangfire Pro): a batch is that many Enqueue calls.
            for (var i = 0; i < batch; i++)
            {
                Enqueue($"e{worker}-{sequence}-{i}");
            }

            return Task.CompletedTask;
        });
        return result with
        {
            Operations = result.Operations * batch,
            OpsPerSecond = result.OpsPerSecond * batch,
            Notes = batch > 1 ? $"no bulk call: {batch} Enqueue calls per operation {result.Notes}".TrimEnd() : result.Notes,
        };
    }

    /// <inheritdoc />
    public override Task PrefillAsync(int count, string prefix)
    {
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                Enqueue($"{prefix}{i}");
            }
        })));
    }

    /// <inheritdoc />
    public override async Task SendPacedAsync(int count, TimeSpan gap, Func<string, Task> started)
    {
        for (var i = 0; i < count; i++)
        {
            Enqueue($"l{i}");
            await started($"l{i}");
            await Task.Delay(gap);
        }
    }

    /// <inheritdoc />
    public override Task<long> CompletedAsync() => Task.FromResult(_storage.GetMonitoringApi().GetStatistics().Succeeded);

    /// <inheritdoc />
    public override Task<WorkerProcess> StartWorkerAsync(WorkerSpec spec) =>
        WorkerProcess.StartAsync("dotnet", [typeof(HangfireSystem).Assembly.Location, "worker", "hangfire",
            "--redis", _redis.ConnectionString, "--prefix", _prefix, "--concurrency", Text(spec.Concurrency), "--work-ms", Text(spec.WorkMs),
            "--report", spec.Report, "--visibility-ms", Text(spec.VisibilityMs)]);

    /// <inheritdoc />
    public override async ValueTask DisposeAsync() => await _redis.DisposeAsync();

    private void Enqueue(string id)
    {
        var t0 = NowUs();
        _client.Enqueue(() => HangfireJobs.RunAsync(id, t0));
    }

    private (RedisStorage, BackgroundJobClient) Connect()
    {
        var storage = HangfireWorker.Storage(_redis.ConnectionString, _prefix, TimeSpan.FromMinutes(30));
        return (storage, new BackgroundJobClient(storage));
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
