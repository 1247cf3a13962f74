using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansRedis.Abstractions.Locks;
using OrleansRedis.Client.Hosting;
using OrleansRedis.Client.Locks;

// Usage: OrleansRedis.LockHolder <lock name> <lease ms> <raw|handle> [owner]
// Joins the cluster named by OrleansRedis__Redis__State, __Cluster__ClusterId and __Cluster__ServiceId, acquires the
// lock (waiting up to 20 s) and speaks a line protocol, so a test can kill or pause it while it holds the lock:
//   out: READY | ACQUIRED <token> <fencing token> <expires at, unix ms> | NOT_ACQUIRED | LOST <reason> | RELEASED <true|false>
//   in:  release | exit
// "raw" holds one lease through the grain (no renewal); "handle" holds a LockHandle that renews itself.
if (args.Length < 3 || !long.TryParse(args[1], out var leaseMs) || args[2] is not ("raw" or "handle"))
{
    Console.Error.WriteLine("usage: OrleansRedis.LockHolder <lock name> <lease ms> <raw|handle> [owner]");
    return 2;
}

var (name, mode) = (args[0], args[2]);
var owner = args.Length > 3 ? args[3] : $"holder-{Environment.ProcessId}";
var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.Services.AddOrleansRedisClient(builder.Configuration);
builder.Services.AddOrleansRedisLockClient(builder.Configuration, options => options.Owner = owner);
using var host = builder.Build();
await host.StartAsync();
Console.WriteLine("READY");

var lease = TimeSpan.FromMilliseconds(leaseMs);
var wait = TimeSpan.FromSeconds(20);
LockHandle? handle = null;
string token;
if (mode == "handle")
{
    handle = await host.Services.GetRequiredService<LockClient>().TryAcquireAsync(name, lease, wait);
    if (handle is null)
    {
        Console.WriteLine("NOT_ACQUIRED");
        return 1;
    }

    token = handle.Token;
    Console.WriteLine($"ACQUIRED {handle.Token} {handle.FencingToken} {handle.ExpiresAtUtc.ToUnixTimeMilliseconds()}");
    handle.LostToken.Register(() => Console.WriteLine($"LOST {handle.LossReason}"));
}
else
{
    var result = await host.Services.GetRequiredService<IGrainFactory>().GetGrain<ILockGrain>(name).AcquireAsync(owner, lease, wait);
    if (result.Lease is not { } granted)
    {
        Console.WriteLine("NOT_ACQUIRED");
        return 1;
    }

    token = granted.Token;
    Console.WriteLine($"ACQUIRED {granted.Token} {granted.FencingToken} {granted.ExpiresAtUtc.ToUnixTimeMilliseconds()}");
}

while (Console.ReadLine() is { } command)
{
    switch (command.Trim())
    {
        case "release":
            var released = handle is not null
                ? await handle.ReleaseAsync()
                : await host.Services.GetRequiredService<IGrainFactory>().GetGrain<ILockGrain>(name).ReleaseAsync(token);
            Console.WriteLine($"RELEASED {(released ? "true" : "false")}");
            break;
        case "exit":
            await host.StopAsync();
            return 0;
    }
}

return 0;
