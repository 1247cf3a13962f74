using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using OrleansRedis.Abstractions.Locks;
using OrleansRedis.Client.Locks;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Infrastructure;
using StackExchange.Redis;

namespace OrleansRedis.Tests.Locks;

/// <summary>
/// The client helper: auto-renewal, loss detection, the hold cap, release on dispose and long waits. The handle's
/// renewal loop runs on a <see cref="FakeTimeProvider"/> that the tests advance, and Redis leases are 3 s or more, so
/// a stalled machine delays a test but cannot change what it decides.
/// </summary>
[Collection(RedisClusterCollection.Name)]
public sealed class LockHandleTests(RedisClusterFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    // A sixth of the lease: even two advances of the fake clock per renewal (see AdvanceOneRenewalAsync) after a
    // renewal that itself began one advance early leave half the lease.
    private static readonly TimeSpan RenewEvery = Long / 6;
    private ConnectionMultiplexer _redis = null!;

    private IDatabase Redis => _redis.GetDatabase();

    public async ValueTask InitializeAsync() => _redis = await fixture.Redis.ConnectAsync();

    public async ValueTask DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task Handle_HeldForTenLeasePeriods_StaysHeldByRenewals()
    {
        var name = NewName();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var locks = LockClient.Create(fixture.Grains, new LockClientOptions { RenewInterval = RenewEvery }, time);

        await using var handle = await locks.AcquireAsync(name, Long, TimeSpan.Zero);
        var expiries = new List<DateTimeOffset> { handle.ExpiresAtUtc };
        var renewals = 10 * (int)(Long / RenewEvery);
        for (var renewal = 1; renewal <= renewals; renewal++)
        {
            // The next renewal must read a later Redis TIME than the last one, so that its expiry is a new value.
            var last = expiries[^1];
            await Eventually.TrueAsync(async () => await RedisClock.NowAsync(Redis) + Long > last, Long, "Redis's clock moves past the last renewal");
            await AdvanceOneRenewalAsync(time, () => handle.ExpiresAtUtc > last || handle.IsLost, $"renewal {renewal} lands");
            Assert.False(handle.IsLost, handle.LossReason);
            expiries.Add(handle.ExpiresAtUtc);
        }

        var state = await Lock(name).GetStateAsync();
        Assert.True(state.Held && state.FencingToken == handle.FencingToken, $"the lock moved on: {state}");
        Assert.Equal(renewals + 1, expiries.Distinct().Count());
        Assert.True(await handle.ReleaseAsync());
        Assert.False((await Lock(name).GetStateAsync()).Held);
    }

    [Fact]
    public async Task Handle_LeaseTakenOverWhileHeld_LostTokenFiresAndReleaseKeepsNewHolder()
    {
        var name = NewName();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var locks = LockClient.Create(fixture.Grains, new LockClientOptions { RenewInterval = RenewEvery }, time);
        await using var handle = await locks.AcquireAsync(name, Long, TimeSpan.Zero);
        var lost = new TaskCompletionSource();
        handle.LostToken.Register(() => lost.TrySetResult());

        // Stands in for a lease that ran out while the holder was cut off: the key is gone and someone else took it.
        await Redis.KeyDeleteAsync($"or:lock:{{{name}}}");
        var next = (await Lock(name).AcquireAsync("next", Long, TimeSpan.Zero)).Lease!;
        await AdvanceOneRenewalAsync(time, () => lost.Task.IsCompleted, "the lost token fires after the next renewal");

        Assert.True(handle.IsLost);
        Assert.Contains("refused", handle.LossReason);
        Assert.True(next.FencingToken > handle.FencingToken);
        Assert.False(await handle.ReleaseAsync());
        Assert.Equal("next", (await Lock(name).GetStateAsync()).Owner);
    }

    [Fact]
    public async Task Handle_HoldCapReached_LostTokenFiresAndRenewalsStop()
    {
        var name = NewName();
        var lease = TimeSpan.FromSeconds(3);
        var cap = TimeSpan.FromMinutes(1);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var locks = LockClient.Create(fixture.Grains, new LockClientOptions { MaxHoldTime = cap }, time);
        await using var handle = await locks.AcquireAsync(name, lease, TimeSpan.Zero);
        var lost = new TaskCompletionSource();
        handle.LostToken.Register(() => lost.TrySetResult());

        // Jumps past the cap until the loss is seen: a loop that read the clock before the first jump but set its
        // timer after it sleeps past that jump, and the next one wakes it with the cap behind it.
        await AdvanceUntilAsync(time, cap, int.MaxValue, () => lost.Task.IsCompleted, "the hold cap is reached");
        var expiresAt = handle.ExpiresAtUtc;

        // A live loop would renew on every advance of its clock; a stopped one lets the 3 s Redis lease run out.
        var next = Lock(name).AcquireAsync("next", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20));
        await Eventually.TrueAsync(
            () =>
            {
                time.Advance(lease / 3);
                return Task.FromResult(next.IsCompleted);
            },
            Long,
            "the lease runs out while the handle's clock keeps moving");

        Assert.Contains("hold time cap", handle.LossReason);
        Assert.Equal("next", (await next).Lease?.Owner);
        Assert.Equal(expiresAt, handle.ExpiresAtUtc);
    }

    [Fact]
    public async Task Handle_Disposed_ReleasesAndHandsToTheNextWaiter()
    {
        var name = NewName();
        var locks = LockClient.Create(fixture.Grains);
        var handle = await locks.AcquireAsync(name, TimeSpan.FromSeconds(30), TimeSpan.Zero);
        var waiter = Lock(name).AcquireAsync("waiter", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15));
        await Eventually.TrueAsync(async () => (await Lock(name).GetStateAsync()).Waiters == 1, Long, "the waiter queues");

        await handle.DisposeAsync();
        var granted = await waiter.WaitAsync(Long);

        Assert.Equal(handle.FencingToken + 1, granted.Lease?.FencingToken);
        Assert.False(handle.IsLost);
    }

    [Fact]
    public async Task TryAcquire_WaitLongerThanOneCall_LoopsBoundedCallsUntilGranted()
    {
        var name = NewName();
        var holder = (await Lock(name).AcquireAsync("holder", TimeSpan.FromMilliseconds(1500), TimeSpan.Zero)).Lease!;
        var locks = LockClient.Create(fixture.Grains, new LockClientOptions { MaxWaitPerCall = TimeSpan.FromMilliseconds(300) });

        await using var handle = await locks.TryAcquireAsync(name, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20));

        Assert.NotNull(handle);
        Assert.True(handle.Lease.ExpiresAtUtc - TimeSpan.FromSeconds(5) >= holder.ExpiresAtUtc);
    }

    [Fact]
    public async Task AcquireAndTryAcquire_StillHeldAfterWait_ThrowWaitTimedOutOrReturnNull()
    {
        var name = NewName();
        await Lock(name).AcquireAsync("holder", TimeSpan.FromSeconds(30), TimeSpan.Zero);
        var locks = LockClient.Create(fixture.Grains);

        var missing = await locks.TryAcquireAsync(name, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(200));
        var error = await Assert.ThrowsAsync<LockException>(() => locks.AcquireAsync(name, TimeSpan.FromSeconds(5), TimeSpan.Zero));

        Assert.Null(missing);
        Assert.Equal((LockErrorCode.WaitTimedOut, name), (error.Code, error.LockName));
    }

    /// <summary>
    /// Moves the handle's fake clock one renewal interval on and waits until <paramref name="done"/>. The renewal loop
    /// runs on its own thread and may set its next timer only after the clock moved; that timer is then due one
    /// interval later, so one more advance follows when nothing has happened for a second of real time (and no more:
    /// advances while a renewal is in flight eat into the lease, see <see cref="RenewEvery"/>).
    /// </summary>
    private static Task AdvanceOneRenewalAsync(FakeTimeProvider time, Func<bool> done, string what) =>
        AdvanceUntilAsync(time, RenewEvery, maxAdvances: 2, done, what);

    /// <summary>
    /// Moves <paramref name="time"/> on by <paramref name="step"/>, then by another step after each second of real time
    /// in which <paramref name="done"/> stayed false (at most <paramref name="maxAdvances"/> in all), until it is true.
    /// </summary>
    private static async Task AdvanceUntilAsync(FakeTimeProvider time, TimeSpan step, int maxAdvances, Func<bool> done, string what)
    {
        time.Advance(step);
        var advances = 1;
        var advancedAt = Stopwatch.GetTimestamp();
        await Eventually.TrueAsync(
            () =>
            {
                if (!done() && advances < maxAdvances && Stopwatch.GetElapsedTime(advancedAt) > TimeSpan.FromSeconds(1))
                {
                    time.Advance(step);
                    advances++;
                    advancedAt = Stopwatch.GetTimestamp();
                }

                return Task.FromResult(done());
            },
            Long,
            what);
    }

    private ILockGrain Lock(string name) => fixture.Grains.GetGrain<ILockGrain>(name);

    private static string NewName() => $"handle-{Guid.NewGuid():N}";
}
