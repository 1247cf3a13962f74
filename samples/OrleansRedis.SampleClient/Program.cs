using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansRedis.Abstractions.Probe;
using OrleansRedis.Client.Hosting;

// Usage: OrleansRedis.SampleClient [key] [value] [--OrleansRedis:Redis:State=host:port ...]
// Joins the cluster named by OrleansRedis:Redis:State, :Cluster:ClusterId and :Cluster:ServiceId (from environment
// variables such as OrleansRedis__Redis__State, or --options), writes the value into a probe grain, reads it back and
// prints which silo answered. Exit code 0 means the round trip worked.
var options = args.Where(a => a.StartsWith("--", StringComparison.Ordinal)).ToArray();
var positional = args.Except(options).ToArray();
var builder = Host.CreateApplicationBuilder(options);
builder.Services.AddOrleansRedisClient(builder.Configuration);
using var host = builder.Build();

using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
await host.StartAsync(timeout.Token);

var key = positional.Length > 0 ? positional[0] : "sample";
var value = positional.Length > 1 ? positional[1] : $"written at {DateTimeOffset.UtcNow:O}";
var probe = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IStateProbeGrain>(key);

var written = await probe.SetAsync(value);
var read = await probe.GetAsync();
Console.WriteLine($"key={key} value={read.Value} version={read.Version} silo={read.Silo}");

await host.StopAsync(timeout.Token);
return read.Value == value && read.Version == written.Version ? 0 : 1;
