using Orleans.TestingHost;
using OrleansRedis.Abstractions.Locks;
using OrleansRedis.Client.Locks;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Locks;

/// <summary>Redis decides, so a dying silo or a restarting Redis never grants a lock twice nor turns fencing back.</summary>
public sealed class LockFailoverTests(RedisClusterFixture fixture) : IClassFixture<RedisClusterFixture>
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan WaiterLease = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task SiloHostingLockKilled_WhileHeldWithQueuedWaiters_NoDoubleGrantAndWaitersServedElsewhere()
    {
        var name = $"failover-{Guid.NewGuid():N}";
        // Long enough that four waiters surely queue behind it before it runs out, however loaded the machine.
        var holder = (await Lock(name).AcquireAsync("holder", TimeSpan.FromSeconds(10), TimeSpan.Zero)).Lease!;
        var hosting = (await Lock(name).GetStateAsync()).Silo;
        var resource = new ProtectedResource();
        Assert.True(resource.TryAccess(holder.FencingToken));
        var locks = LockClient.Create(fixture.Grains, new LockClientOptions { RetryDelay = TimeSpan.FromMilliseconds(100), MaxWaitPerCall = TimeSpan.FromSeconds(2) });
        var inside = 0;
        var maxInside = 0;
        var grants = new List<LockLease>();
        var waiters = Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            // 10 s, released at once: a waiter stalled inside its critical section keeps the lock, so a second one
            // inside at the same time can only mean a double grant.
            await using var handle = await locks.AcquireAsync(name, WaiterLease, Recovery);
            var now = Interlocked.Increment(ref inside);
            lock (grants)
            {
                maxInside = Math.Max(maxInside, now);
                grants.Add(handle.Lease);
            }

            resource.TryAccess(handle.FencingToken);
            await Task.Yield();
            Interlocked.Decrement(ref inside);
        })).ToList();
        await Eventually.TrueAsync(async () => (await Lock(name).GetStateAsync()).Waiters == 4, Recovery, "four waiters queue behind the holder");

        await fixture.Cluster.KillSiloAsync(Silo(hosting));
        await Task.WhenAll(waiters).WaitAsync(Recovery);
        var after = await Lock(name).GetStateAsync();

        Assert.Equal(4, grants.Count);
        Assert.Equal(1, maxInside);
        Assert.Empty(resource.Rejected);
        Assert.Equal(5, resource.Accepted.Count);
        Assert.All(grants, g => Assert.True(g.ExpiresAtUtc - WaiterLease >= holder.ExpiresAtUtc, $"granted at {g.ExpiresAtUtc:O}, before the holder's lease ended at {holder.ExpiresAtUtc:O}"));
        Assert.NotEqual(hosting, after.Silo);
        Assert.False(after.Held);
    }

    [Fact]
    public async Task FencingCounter_AfterRedisRestart_KeepsGrowingAndScriptsReload()
    {
        var name = $"restart-{Guid.NewGuid():N}";
        var before = (await Lock(name).AcquireAsync("alice", TimeSpan.FromSeconds(5), TimeSpan.Zero)).Lease!;
        Assert.True(await Lock(name).ReleaseAsync(before.Token));

        await fixture.Redis.ShutdownAsync();
        await fixture.Redis.RestartAsync();
        var after = await Eventually.SucceedsAsync(
            async () => (await Lock(name).AcquireAsync("bob", TimeSpan.FromSeconds(5), TimeSpan.Zero)).Lease ?? throw new InvalidOperationException("not acquired"),
            Recovery, "an acquire succeeds after Redis restarted");

        Assert.Equal(before.FencingToken + 1, after.FencingToken);
        Assert.True(await Lock(name).ReleaseAsync(after.Token));
    }

    private ILockGrain Lock(string name) => fixture.Grains.GetGrain<ILockGrain>(name);

    private SiloHandle Silo(string address) => fixture.Cluster.GetActiveSilos().Single(s => s.SiloAddress.ToString() == address);
}
