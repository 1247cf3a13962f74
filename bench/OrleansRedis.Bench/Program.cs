using OrleansRedis.Bench.Harness;
using OrleansRedis.Bench.Queues;
using OrleansRedis.Bench.Scenarios;

// Usage: OrleansRedis.Bench [--scenarios a,b] [--seconds N] [--workers N] [--repeats N] [--subscribers N] [--redis-cluster] [--out docs/benchmarks.md]
//        OrleansRedis.Bench worker <hangfire|orleansredis> --option value ... (a queue benchmark's worker process)
// Hangfire's client and server make synchronous Redis calls from many threads at once; without enough pool threads
// the multiplexer's completions wait behind them and the calls time out.
ThreadPool.SetMinThreads(256, 256);
if (args is ["worker", var system, .. var workerArguments])
{
    return await QueueWorkerCommand.RunAsync(system, workerArguments);
}

var options = BenchArguments.Parse(args);
var scenarios = (options.Scenarios.Count == 0
    ? ScenarioCatalog.All
    : ScenarioCatalog.All.Where(s => options.Scenarios.Contains(s.Name)))
    .Where(s => !options.RedisCluster || ScenarioCatalog.RunsOnRedisCluster(s))
    .ToList();
if (scenarios.Count == 0)
{
    Console.Error.WriteLine($"No such scenario. Known: {string.Join(", ", ScenarioCatalog.All.Select(s => s.Name))}");
    return 2;
}

var settings = new BenchSettings(TimeSpan.FromSeconds(options.Seconds), options.Workers, options.Repeats, options.Subscribers);
await using var environment = await BenchEnvironment.StartAsync(silos: 2, ScenarioCatalog.SiloSettings, options.RedisCluster);
var results = new List<BenchResult>();
foreach (var scenario in scenarios)
{
    Console.WriteLine($"== {scenario.Name}");
    foreach (var measured in await scenario.RunAsync(environment, settings))
    {
        // A cluster run's sections sit beside the single-Redis ones of the same scenario.
        var result = options.RedisCluster ? measured with { Scenario = $"{measured.Scenario} (Redis Cluster)" } : measured;
        Console.WriteLine($"   {result.Variant,-40} {result.OpsPerSecond,10:0} ops/s  p50 {result.P50Us,8:0} µs  p99 {result.P99Us,8:0} µs  cpu {result.Cpu?.TotalUs,7:0.0} µs/op ({result.Cpu?.Split()})  {result.Notes}");
        results.Add(result);
    }
}

var redisVersion = (await environment.AnyNode.RunCliAsync("info", "server")).Split('\n')
    .FirstOrDefault(l => l.StartsWith("redis_version:", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "unknown";
var report = MarkdownReport.Render(results, settings, redisVersion);
if (options.Output is { } output)
{
    // A run of some scenarios replaces their sections and keeps the others' figures from earlier runs.
    if ((options.Scenarios.Count > 0 || options.RedisCluster) && File.Exists(output))
    {
        report = MarkdownReport.Merge(await File.ReadAllTextAsync(output), report);
    }

    await File.WriteAllTextAsync(output, report);
    Console.WriteLine($"Wrote {output}");
}

return 0;
