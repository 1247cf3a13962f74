using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansRedis.Client.Hosting;
using OrleansRedis.Client.Queues;
using OrleansRedis.Grains.Queues;
using OrleansRedis.QueueWorker;
using OrleansRedis.AspNetCore.Endpoints;
using OrleansRedis.AspNetCore.Health;
using OrleansRedis.Silo.Hosting;
using OrleansRedis.Silo.Options;
using StackExchange.Redis;

// Usage: OrleansRedis.QueueWorker worker --queue Q --ledger CS [--concurrency 8] [--lease-ms 5000] [--work-ms 5]
//        OrleansRedis.QueueWorker silo --queue Q --ledger CS [--work-ms 5]
// Both read the cluster from OrleansRedis__* environment variables (the silo: as the silo host does). The worker runs
// the .NET QueueWorker; the silo is the silo host with LedgerHandler registered as the queue's in-silo handler. Both
// print READY when they run jobs, and the worker stops gracefully on "stop" (or end of input).
if (args.Length < 1 || args[0] is not ("worker" or "silo"))
{
    Console.Error.WriteLine("usage: OrleansRedis.QueueWorker <worker|silo> --queue Q --ledger CS [--concurrency N] [--lease-ms N] [--work-ms N]");
    return 2;
}

var options = args.Skip(1).Chunk(2).Where(p => p.Length == 2).ToDictionary(p => p[0].TrimStart('-'), p => p[1]);
string Option(string name, string fallback) => options.TryGetValue(name, out var value) ? value : fallback;
var queue = options["queue"];
var work = TimeSpan.FromMilliseconds(int.Parse(Option("work-ms", "5")));
var ledger = await ConnectionMultiplexer.ConnectAsync($"{options["ledger"]},abortConnect=false");

if (args[0] == "worker")
{
    // One host: the Orleans client and the worker (which resolves its queue grain on first use, once the client has
    // connected; hosted services stop in reverse order, so the worker drains before the client goes).
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.ClearProviders();
    builder.Services.AddOrleansRedisClient(builder.Configuration);
    builder.Services.AddSingleton(new LedgerConnection(ledger, $"worker:{Environment.ProcessId}", work));
    builder.Services.AddOrleansRedisQueueWorker<LedgerHandler>(queue, o =>
    {
        o.Concurrency = int.Parse(Option("concurrency", "8"));
        o.LeaseTime = TimeSpan.FromMilliseconds(int.Parse(Option("lease-ms", "5000")));
        o.MaxWait = TimeSpan.FromSeconds(5);
        o.RetryDelay = TimeSpan.FromMilliseconds(200);
    });
    using var host = builder.Build();
    await host.StartAsync();
    Console.WriteLine("READY");
    while (await Console.In.ReadLineAsync() is { } line && line.Trim() != "stop")
    {
    }

    await host.StopAsync(TimeSpan.FromSeconds(25));
    Console.WriteLine("STOPPED");
    return 0;
}

// The silo host of OrleansRedis.Silo, plus the in-silo handler.
var silo = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
var (settings, errors) = SiloHostSettingsLoader.Load(silo.Configuration);
if (errors.Count > 0)
{
    return ExitCodes.InvalidConfiguration(errors);
}

silo.AddOrleansRedisSilo(settings).AddOrleansRedisHttp(settings).AddOrleansRedisShutdownBound();
silo.Services.AddSingleton(new LedgerConnection(ledger, $"silo:{Environment.ProcessId}", work));
silo.Services.AddOrleansRedisQueueHandler<LedgerHandler>(queue);
var app = silo.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapOrleansRedisHealth();
app.MapOrleansRedisEndpoints();
await app.RunAsync();
return 0;
