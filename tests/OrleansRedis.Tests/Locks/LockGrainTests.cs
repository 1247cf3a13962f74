using OrleansRedis.Abstractions.Locks;
using OrleansRedis.Abstractions.Realtime;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Infrastructure;
using StackExchange.Redis;

namespace OrleansRedis.Tests.Locks;

/// <summary>
/// The lock contract: the lock grain against a real Redis (leases, tokens, fencing, the FIFO queue and its timer
/// wake-up), run on one redis-server and on a Redis Cluster.
/// </summary>
public abstract class LockGrainTests(TestClusterFixture fixture)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    private IDatabase Redis => fixture.RedisConnection.GetDatabase();

    /// <summary>The lock contract on one redis-server.</summary>
    [Collection(RedisClusterCollection.Name)]
    public sealed class OnRedis(RedisClusterFixture fixture) : LockGrainTests(fixture);

    /// <summary>The lock contract on a Redis Cluster of three masters and three replicas.</summary>
    [Collection(OnRedisClusterCollection.Name)]
    public sealed class OnRedisCluster(OnRedisClusterFixture fixture) : LockGrainTests(fixture);

    [Fact]
    public async Task Acquire_FreeLock_GrantsLeaseWithRandomTokenFirstFenceAndRedisExpiry()
    {
        var name = NewName();
        var before = await RedisClock.NowAsync(Redis);

        // A 60 s lease: the TTL is read after a second acquire and a TIME call, and a stalled machine may spend
        // seconds on those; a 5 s window around 60 s still tells a lease from a key without (or with another) expiry.
        var result = await Lock(name).AcquireAsync("alice", TimeSpan.FromSeconds(60), TimeSpan.Zero);
        var other = await Lock(NewName()).AcquireAsync("alice", TimeSpan.FromSeconds(60), TimeSpan.Zero);
        var after = await RedisClock.NowAsync(Redis);

        var lease = Assert.IsType<LockLease>(result.Lease);
        Assert.Equal((name, "alice", 1L), (lease.Name, lease.Owner, lease.FencingToken));
        Assert.Equal(22, lease.Token.Length);
        Assert.NotEqual(lease.Token, other.Lease!.Token);
        Assert.InRange(lease.ExpiresAtUtc, before.AddSeconds(60), after.AddSeconds(60));
        Assert.InRange(await Redis.KeyTimeToLiveAsync($"or:lock:{{{name}}}") ?? TimeSpan.Zero, TimeSpan.FromSeconds(55), TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Keys_LeaseAndFence_ShareOneHashTagAndFenceNeverExpires()
    {
        var name = NewName();
        await Lock(name).AcquireAsync("alice", TimeSpan.FromSeconds(5), TimeSpan.Zero);

        Assert.True(await Redis.KeyExistsAsync($"or:lock:{{{name}}}"));
        Assert.Equal(1, (long)await Redis.StringGetAsync($"or:lock:{{{name}}}:fence"));
        Assert.Null(await Redis.KeyTimeToLiveAsync($"or:lock:{{{name}}}:fence"));
    }

    [Fact]
    public async Task AcquireAndRelease_NameStartingWithClosingBrace_WorksAndFenceCounts()
    {
        // "}..." would give the lease and the fence an empty hash tag, hence two slots: CROSSSLOT on a Redis Cluster.
        var name = "}" + NewName();

        var first = (await Lock(name).AcquireAsync("alice", Long, TimeSpan.Zero)).Lease!;
        var released = await Lock(name).ReleaseAsync(first.Token);
        var second = (await Lock(name).AcquireAsync("bob", Long, TimeSpan.Zero)).Lease!;

        Assert.True(released);
        Assert.Equal((1L, 2L), (first.FencingToken, second.FencingToken));
        Assert.Equal(2, (long)await Redis.StringGetAsync($"or:lock:~{{~}}{name}}}:fence"));
    }

    [Fact]
    public async Task Acquire_HeldNoWait_NotAcquiredWithRetryAfterAndHolder()
    {
        var name = NewName();
        // A 60 s lease: the retry hint is the lease left when bob asks, however long the machine stalls in between.
        await Lock(name).AcquireAsync("alice", TimeSpan.FromSeconds(60), TimeSpan.Zero);

        var result = await Lock(name).AcquireAsync("bob", TimeSpan.FromSeconds(60), TimeSpan.Zero);

        Assert.False(result.Acquired);
        Assert.Equal("alice", result.HolderOwner);
        Assert.InRange(result.RetryAfter, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task ReleaseAndExtend_ForeignToken_RefusedAndHolderKeepsLock()
    {
        var name = NewName();
        var holder = (await Lock(name).AcquireAsync("alice", TimeSpan.FromSeconds(10), TimeSpan.Zero)).Lease!;

        var released = await Lock(name).ReleaseAsync("not-the-token");
        var extended = await Lock(name).ExtendAsync(holder.Token + "x", TimeSpan.FromMinutes(5));
        var state = await Lock(name).GetStateAsync();

        Assert.False(released);
        Assert.False(extended.Extended);
        Assert.Equal((true, "alice", holder.FencingToken), (state.Held, state.Owner, state.FencingToken));
    }

    [Fact]
    public async Task ExpiredToken_AfterNextHolderAcquired_CanNeitherReleaseNorExtendTheNewLease()
    {
        var name = NewName();
        var first = (await Lock(name).AcquireAsync("alice", TimeSpan.FromMilliseconds(300), TimeSpan.Zero)).Lease!;
        var second = await Eventually.SucceedsAsync(
            async () => (await Lock(name).AcquireAsync("bob", 2 * Long, TimeSpan.Zero)).Lease ?? throw new InvalidOperationException("still held"),
            Long, "the first lease runs out and bob acquires");

        var released = await Lock(name).ReleaseAsync(first.Token);
        var extended = await Lock(name).ExtendAsync(first.Token, TimeSpan.FromMinutes(1));
        var state = await Lock(name).GetStateAsync();

        Assert.False(released);
        Assert.False(extended.Extended);
        Assert.True(second.FencingToken > first.FencingToken);
        Assert.Equal((true, "bob", second.FencingToken), (state.Held, state.Owner, state.FencingToken));
        Assert.True(await Redis.KeyTimeToLiveAsync($"or:lock:{{{name}}}") > Long);
    }

    [Fact]
    public async Task Extend_Holder_MovesExpiryByRedisClockAndKeepsFence()
    {
        var name = NewName();
        var lease = (await Lock(name).AcquireAsync("alice", Long, TimeSpan.Zero)).Lease!;
        var before = await RedisClock.NowAsync(Redis);

        var extended = await Lock(name).ExtendAsync(lease.Token, TimeSpan.FromMinutes(5));
        var after = await RedisClock.NowAsync(Redis);

        Assert.True(extended.Extended);
        Assert.Equal(lease.FencingToken, extended.FencingToken);
        Assert.InRange(extended.ExpiresAtUtc!.Value, before.AddMinutes(5), after.AddMinutes(5));
        Assert.True(await Redis.KeyTimeToLiveAsync($"or:lock:{{{name}}}") > TimeSpan.FromMinutes(4));
    }

    [Fact]
    public async Task FencingToken_AcrossReleasesAndExpiries_StrictlyIncreases()
    {
        var name = NewName();
        var tokens = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            var lease = (await Lock(name).AcquireAsync("alice", Long, TimeSpan.Zero)).Lease!;
            tokens.Add(lease.FencingToken);
            Assert.True(await Lock(name).ReleaseAsync(lease.Token));
        }

        var expiring = (await Lock(name).AcquireAsync("alice", TimeSpan.FromMilliseconds(200), TimeSpan.Zero)).Lease!;
        tokens.Add(expiring.FencingToken);
        var afterExpiry = (await Lock(name).AcquireAsync("bob", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20))).Lease!;
        tokens.Add(afterExpiry.FencingToken);
        var state = await Lock(name).GetStateAsync();

        Assert.Equal([1L, 2, 3, 4, 5], tokens);
        Assert.Equal(5, state.FencingToken);
    }

    [Fact]
    public async Task Acquire_Waiters_GrantedInArrivalOrder()
    {
        var name = NewName();
        // The holder outlasts six waiters queueing one after another on a stalled machine (it is released by hand).
        var holder = (await Lock(name).AcquireAsync("holder", 2 * Long, TimeSpan.Zero)).Lease!;
        var granted = new List<string>();
        var waiters = new List<Task>();
        for (var i = 0; i < 6; i++)
        {
            var owner = $"waiter-{i}";
            waiters.Add(WaitThenReleaseAsync(name, owner, granted));
            var queued = i + 1;
            await Eventually.TrueAsync(async () => (await Lock(name).GetStateAsync()).Waiters == queued, Long, $"{queued} waiters queue");
        }

        Assert.True(await Lock(name).ReleaseAsync(holder.Token));
        await Task.WhenAll(waiters).WaitAsync(Long);

        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"waiter-{i}"), granted);
    }

    [Fact]
    public async Task Acquire_WaitRunsOut_NotAcquiredAndLeavesTheQueue()
    {
        var name = NewName();
        await Lock(name).AcquireAsync("holder", 2 * Long, TimeSpan.Zero);

        var result = await Lock(name).AcquireAsync("waiter", TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(300));
        var state = await Lock(name).GetStateAsync();

        Assert.False(result.Acquired);
        Assert.Equal("holder", result.HolderOwner);
        Assert.True(result.RetryAfter > Long, $"retry after {result.RetryAfter}");
        Assert.Equal((true, "holder", 0), (state.Held, state.Owner, state.Waiters));
    }

    [Fact]
    public async Task Acquire_CallerCancels_LeavesTheQueueAndNextWaiterIsServed()
    {
        var name = NewName();
        var holder = (await Lock(name).AcquireAsync("holder", 2 * Long, TimeSpan.Zero)).Lease!;
        using var cancel = new CancellationTokenSource();
        var cancelled = Lock(name).AcquireAsync("cancelled", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20), cancel.Token);
        await Eventually.TrueAsync(async () => (await Lock(name).GetStateAsync()).Waiters == 1, Long, "the first waiter queues");
        var next = Lock(name).AcquireAsync("next", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20));
        await Eventually.TrueAsync(async () => (await Lock(name).GetStateAsync()).Waiters == 2, Long, "the second waiter queues");

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await Eventually.TrueAsync(async () => (await Lock(name).GetStateAsync()).Waiters == 1, Long, "the cancelled waiter leaves the queue");
        await Lock(name).ReleaseAsync(holder.Token);
        var granted = await next.WaitAsync(Long);

        Assert.Equal("next", granted.Lease?.Owner);
    }

    [Theory]
    [InlineData("", 1000, 0)]
    [InlineData("alice", 0, 0)]
    [InlineData("alice", -5, 0)]
    [InlineData("alice", 600_001, 0)]
    [InlineData("alice", 1000, -1)]
    public async Task Acquire_InvalidArguments_ThrowArgumentExceptionAndTakeNothing(string owner, long leaseMs, long waitMs)
    {
        var name = NewName();

        await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            Lock(name).AcquireAsync(owner, TimeSpan.FromMilliseconds(leaseMs), TimeSpan.FromMilliseconds(waitMs)));

        Assert.False((await Lock(name).GetStateAsync()).Held);
    }

    [Fact]
    public async Task Release_ByDefault_PublishesNoReleasedEventButLostStillReachesOwnerTopic()
    {
        // Locks:NotifyReleases is off by default: a release publishes nothing, while a refused extension (the lost-lease
        // signal) still does. The lost event is the sync point: once it is there, a release event published before it
        // would be there too, so a default that still published releases fails here with both types.
        var owner = $"o{Guid.NewGuid():N}";
        var name = NewName();
        var lease = (await Lock(name).AcquireAsync(owner, Long, TimeSpan.Zero)).Lease!;
        Assert.True(await Lock(name).ReleaseAsync(lease.Token));
        Assert.False((await Lock(name).ExtendAsync(lease.Token, Long)).Extended);

        var types = await Eventually.SucceedsAsync(async () =>
        {
            var page = await fixture.Grains.GetGrain<ITopicGrain>($"user:{owner}").ReadAsync("0-0", 10);
            return page.Events.Count > 0 ? page.Events.Select(e => e.Type).ToList() : throw new InvalidOperationException("no event yet");
        }, Long, "the lost-lease event reaches the owner's topic");

        Assert.Equal(["lock.lost"], types);
    }

    private async Task WaitThenReleaseAsync(string name, string owner, List<string> granted)
    {
        // Waits as long as the locks allow (Locks:MaxWait, 20 s) for the holder and every waiter ahead to release.
        var lease = (await Lock(name).AcquireAsync(owner, Long, TimeSpan.FromSeconds(20))).Lease
            ?? throw new InvalidOperationException($"{owner} was not granted the lock");
        lock (granted)
        {
            granted.Add(owner);
        }

        await Lock(name).ReleaseAsync(lease.Token);
    }


    private ILockGrain Lock(string name) => fixture.Grains.GetGrain<ILockGrain>(name);

    private static string NewName() => $"lock-{Guid.NewGuid():N}";
}
