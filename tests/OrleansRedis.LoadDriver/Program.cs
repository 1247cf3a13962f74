using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansRedis.Client.Hosting;
using OrleansRedis.LoadDriver;
using OrleansRedis.LoadDriver.Scenarios;

// Usage: OrleansRedis.LoadDriver --redis CS --cluster ID --service ID --scenario probe [--workers 8] [--keys 8]
//        [--run-id ID] [--timeout-ms 5000] [--cache NAME]
// Prints READY once connected, then ledger lines until it reads "stop" (or end of input) on standard input. The
// hybridcache scenario (an app instance's HybridCache named --cache) runs no workers: each other line is a command.
var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal) && p.i + 1 < args.Length)
    .ToDictionary(p => p.a[2..], p => args[p.i + 1]);
string Option(string name, string? fallback = null) =>
    options.TryGetValue(name, out var value) ? value : fallback ?? throw new ArgumentException($"--{name} is required.");

var timeout = TimeSpan.FromMilliseconds(int.Parse(Option("timeout-ms", "5000")));
var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.Services.AddOrleansRedisClient(o =>
{
    o.RedisState = Option("redis");
    o.ClusterId = Option("cluster");
    o.ServiceId = Option("service");
    o.ResponseTimeout = timeout;
    o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(2);
});
if (Option("scenario") == "hybridcache")
{
    HybridCacheScenario.AddServices(builder.Services, Option("redis"), Option("cache"));
}

using var host = builder.Build();
await host.StartAsync();
var grains = host.Services.GetRequiredService<IGrainFactory>();

var runId = Option("run-id", Guid.NewGuid().ToString("N")[..8]);
var ledger = new Ledger(timeout);
IDriverScenario scenario = Option("scenario") switch
{
    "probe" => new ProbeWritesScenario(int.Parse(Option("keys", "8")), runId),
    "sessions" => new SessionMergesScenario(runId),
    "ratelimit" => new RateLimitAdmissionsScenario(Option("policy"), int.Parse(Option("keys", "2")), runId),
    "locks" => new LockFencingScenario(
        (await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(Option("redis"))).GetDatabase(), int.Parse(Option("keys", "2")), runId,
        TimeSpan.FromMilliseconds(int.Parse(Option("hold-ms", "5")))),
    "hybridcache" => await HybridCacheScenario.StartAsync(host.Services, ledger),
    var other => throw new ArgumentException($"Unknown scenario '{other}'."),
};

using var stop = new CancellationTokenSource();
var workers = Enumerable.Range(0, int.Parse(Option("workers", "8")))
    .Select(worker => Task.Run(() => scenario.RunWorkerAsync(worker, grains, ledger, stop.Token)))
    .ToArray();
ledger.Write("READY");

while (await Console.In.ReadLineAsync() is { } line && line.Trim() != "stop")
{
    if (scenario is IDriverCommands commands)
    {
        await commands.RunAsync(line);
    }
}

await stop.CancelAsync();
await Task.WhenAll(workers);
ledger.Write("DONE");
await host.StopAsync(TimeSpan.FromSeconds(5));
