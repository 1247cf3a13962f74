using System.Diagnostics;
using System.Globalization;
using OrleansRedis.Bench.Harness;

namespace OrleansRedis.Bench.Scenarios;

/// <summary>
/// The ceiling: <c>redis-benchmark</c> on the same Redis, plain and pipelined. Nothing that talks to this Redis can go
/// faster, so every other scenario reads against it.
/// </summary>
public sealed class RedisCeilingScenario : IBenchmarkScenario
{
    /// <inheritdoc />
    public string Name => "redis-ceiling";

    /// <inheritdoc />
    public async Task<IReadOnlyList<BenchResult>> RunAsync(BenchEnvironment environment, BenchSettings settings)
    {
        var results = new List<BenchResult>();
        foreach (var (pipeline, label) in new[] { (1, "50 connections"), (16, "50 connections, pipeline 16") })
        {
            var output = await RunAsync("-p", environment.Redis.Port.ToString(CultureInfo.InvariantCulture), "-t", "set,get",
                "-n", "200000", "-c", "50", "-P", pipeline.ToString(CultureInfo.InvariantCulture), "--csv");
            foreach (var line in output.Split('\n').Skip(1).Where(l => l.StartsWith('"')))
            {
                // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
                var cells = line.Split(',').Select(c => c.Trim('"')).ToArray();
                double Ms(int i) => double.Parse(cells[i], CultureInfo.InvariantCulture) * 1000;
                results.Add(new BenchResult(Name, $"redis-benchmark {cells[0]} ({label})", 200_000,
                    double.Parse(cells[1], CultureInfo.InvariantCulture), Ms(4), Ms(6), Ms(7), "p99.9 column is the max"));
            }
        }

        return results;
    }

    private static async Task<string> RunAsync(params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("redis-benchmark", arguments) { RedirectStandardOutput = true })
            ?? throw new InvalidOperationException("redis-benchmark did not start.");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }
}
