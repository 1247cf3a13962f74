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
        var port = environment.AnyNode.Port.ToString(CultureInfo.InvariantCulture);
        foreach (var (pipeline, label) in new[] { (1, "50 connections"), (16, "50 connections, pipeline 16") })
        {
            // On a cluster redis-benchmark spreads its keys over every master (--cluster).
            string[] target = environment.Cluster is null ? ["-p", port] : ["--cluster", "-p", port];
            foreach (var test in new[] { "set", "get" })
            {
                // One test per process, so that each gets its own CPU reading (redis-benchmark's and Redis's).
                var (output, cpu) = await RunAsync([.. target, "-t", test, "-n", "200000", "-c", "50", "-P", pipeline.ToString(CultureInfo.InvariantCulture), "--csv"]);
                foreach (var line in output.Split('\n').Where(l => l.StartsWith('"') && !l.StartsWith("\"test\"", StringComparison.Ordinal)))
                {
                    // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
                    var cells = line.Split(',').Select(c => c.Trim('"')).ToArray();
                    double Ms(int i) => double.Parse(cells[i], CultureInfo.InvariantCulture) * 1000;
                    results.Add(new BenchResult(Name, $"redis-benchmark {cells[0]} ({label})", 200_000,
                        double.Parse(cells[1], CultureInfo.InvariantCulture), Ms(4), Ms(6), Ms(7), "p99.9 column is the max")
                    {
                        Cpu = CpuPerOperation.From(cpu, 200_000),
                    });
                }
            }
        }

        return results;
    }

    private static async Task<(string Output, IReadOnlyList<(string Role, TimeSpan Cpu)> Cpu)> RunAsync(string[] arguments)
    {
        // bash's `times` prints the CPU time of its finished children (user, then system) last: redis-benchmark's own,
        // which /proc no longer has once it has exited.
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true };
        foreach (var argument in (string[])["-c", "redis-benchmark \"$@\" && times", "redis-benchmark", .. arguments])
        {
            info.ArgumentList.Add(argument);
        }

        var before = CpuMeter.Read();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("redis-benchmark did not start.");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var cpu = before.Until(CpuMeter.Read()).ToList();
        var children = output.TrimEnd().Split('\n')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (children.Length == 2)
        {
            cpu.Add(("redis-benchmark", Seconds(children[0]) + Seconds(children[1])));
        }

        return (output, cpu);
    }

    // `times` writes 1m2.345s.
    private static TimeSpan Seconds(string value)
    {
        var minutes = value.IndexOf('m');
        return TimeSpan.FromMinutes(double.Parse(value[..minutes], CultureInfo.InvariantCulture))
            + TimeSpan.FromSeconds(double.Parse(value[(minutes + 1)..].TrimEnd('s'), CultureInfo.InvariantCulture));
    }
}
