using OrleansRedis.Abstractions.Locks;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Locks;

/// <summary>
/// A waiter woken by the lock grain's timer when the holder's lease runs out. The lease runs out by Redis's clock and
/// the timer runs on the silo's real clock, so this sits in the serial <see cref="WallClockCollection"/>.
/// </summary>
[Collection(WallClockCollection.Name)]
public sealed class LockExpiryWakeUpTests(RedisClusterFixture fixture)
{
    [Fact]
    public async Task Acquire_HolderLeaseRunsOut_WaiterGrantedAtExpiryWithoutPollingRedis()
    {
        var name = NewName();
        // 6 s: the waiter (after a redis-cli process) must arrive while the lease still runs, even on a stalled machine;
        // one that arrived after the expiry would be granted on arrival and prove nothing about the timer.
        var holder = (await Lock(name).AcquireAsync("holder", TimeSpan.FromSeconds(6), TimeSpan.Zero)).Lease!;
        var scriptsBefore = await ScriptCallsAsync();

        var waiter = (await Lock(name).AcquireAsync("waiter", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15))).Lease!;
        var scriptCalls = await ScriptCallsAsync() - scriptsBefore;

        // Granted by the timer at the Redis-reported expiry: never before it, and promptly after it (3 s: the silo's
        // timer and the grant's round trip on a loaded machine; a waiter left to its 15 s wait would miss it).
        var grantedAt = waiter.ExpiresAtUtc - TimeSpan.FromSeconds(5);
        Assert.InRange(grantedAt, holder.ExpiresAtUtc, holder.ExpiresAtUtc.AddSeconds(3));
        Assert.Equal(holder.FencingToken + 1, waiter.FencingToken);

        // One attempt on arrival and one at expiry; a polling loop would have run the script many times in 6 s. The
        // slack covers the silos' own membership scripts over those seconds.
        Assert.InRange(scriptCalls, 2, 10);
    }

    private async Task<long> ScriptCallsAsync()
    {
        var info = await fixture.Redis.RunCliAsync("info", "commandstats");
        return info.Split('\n')
            .Where(l => l.StartsWith("cmdstat_eval:", StringComparison.Ordinal) || l.StartsWith("cmdstat_evalsha:", StringComparison.Ordinal))
            .Sum(l => long.Parse(l.Split("calls=")[1].Split(',')[0]));
    }

    private ILockGrain Lock(string name) => fixture.Grains.GetGrain<ILockGrain>(name);

    private static string NewName() => $"lock-{Guid.NewGuid():N}";
}
