using System.Globalization;
using System.Text.Json;
using OrleansRedis.Bench.Harness;
using OrleansRedis.Testing;

namespace OrleansRedis.Bench.Queues;

/// <summary>BullMQ 6.7.0 on Node.js, driven through <c>bench/bullmq/driver.js</c> (installed by bench.sh with <c>npm ci</c>).</summary>
public sealed class BullMqSystem : QueueSystem
{
    private readonly RedisServer _redis;
    private string _queue = "bench";

    private BullMqSystem(RedisServer redis) => _redis = redis;

    /// <inheritdoc />
    public override string Name => "BullMQ 6.7.0 (Node.js 20)";

    /// <inheritdoc />
    public override IReadOnlyList<(string Label, int ProcessId)> ServerProcesses => [("redis", _redis.ProcessId)];

    private static string Directory => Path.Combine(RepositoryPaths.Root, "bench", "bullmq");

    /// <summary>Starts a fresh Redis for BullMQ.</summary>
    public static async Task<BullMqSystem> StartAsync()
    {
        if (!File.Exists(Path.Combine(Directory, "node_modules", "bullmq", "package.json")))
        {
            throw new InvalidOperationException("BullMQ is not installed: run `npm ci` in bench/bullmq (bench.sh does).");
        }

        return new BullMqSystem(await RedisServer.StartAsync("--appendfsync", "everysec"));
    }

    /// <inheritdoc />
    public override async Task ResetAsync(string run)
    {
        await _redis.RunCliAsync("flushall");
        _queue = run;
    }

    /// <inheritdoc />
    public override async Task<BenchResult> MeasureEnqueueAsync(string scenario, int batch, int callers, TimeSpan duration)
    {
        var warmup = Math.Min(2, duration.TotalSeconds / 5);
        var lines = await RunAsync(["enqueue", "--mode", batch > 1 ? "bulk" : "single", "--batch", Text(batch), "--callers", Text(callers),
            "--seconds", Text(duration.TotalSeconds), "--warmup", Text(warmup)], duration + TimeSpan.FromSeconds(warmup + 60));
        using var json = JsonDocument.Parse(lines.Last(l => l.StartsWith('{')));
        var root = json.RootElement;
        var jobs = root.GetProperty("jobs").GetInt64();
        var errors = root.GetProperty("errors").GetInt64();
        return new BenchResult(scenario, Name, jobs, jobs / root.GetProperty("seconds").GetDouble(),
            root.GetProperty("p50Us").GetDouble(), root.GetProperty("p99Us").GetDouble(), root.GetProperty("p999Us").GetDouble(),
            errors > 0 ? $"errors={errors}" : "");
    }

    /// <inheritdoc />
    public override Task PrefillAsync(int count, string prefix) =>
        RunAsync(["prefill", "--count", Text(count), "--prefix", prefix], TimeSpan.FromMinutes(5));

    /// <inheritdoc />
    public override async Task SendPacedAsync(int count, TimeSpan gap, Func<string, Task> started)
    {
        // One producer process for the whole run, told job by job on its standard input when to enqueue.
        await using var sender = await WorkerProcess.StartAsync("node", Arguments(["sender"]), Directory);
        for (var i = 0; i < count; i++)
        {
            await sender.SendAsync($"send l{i}");
            await started($"l{i}");
            await Task.Delay(gap);
        }

        await sender.StopAsync(TimeSpan.FromSeconds(20));
    }

    /// <inheritdoc />
    public override async Task<long> CompletedAsync()
    {
        // BullMQ's own completion counter (its metrics, which the kill run's workers keep): finished jobs are removed.
        var lines = await RunAsync(["completed"], TimeSpan.FromMinutes(1));
        return long.Parse(lines.Last(l => l.StartsWith("COMPLETED ", StringComparison.Ordinal))[10..], CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public override Task<WorkerProcess> StartWorkerAsync(WorkerSpec spec) =>
        WorkerProcess.StartAsync("node", Arguments(["worker", "--concurrency", Text(spec.Concurrency), "--work-ms", Text(spec.WorkMs),
            "--report", spec.Report, "--lock-ms", Text(spec.VisibilityMs)]), Directory);

    /// <inheritdoc />
    public override async ValueTask DisposeAsync() => await _redis.DisposeAsync();

    private Task<IReadOnlyList<string>> RunAsync(string[] arguments, TimeSpan timeout) =>
        WorkerProcess.RunToExitAsync("node", Arguments(arguments), Directory, timeout);

    private IEnumerable<string> Arguments(string[] arguments) =>
        ["driver.js", .. arguments, "--port", Text(_redis.Port), "--queue", _queue];

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
}
