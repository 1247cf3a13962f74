using System.Net;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Locks;

/// <summary>
/// A holder is a real process that dies (SIGKILL) or freezes (SIGSTOP) while holding the lock; the next waiter, over
/// HTTP, gets the lock when the lease ends (never before), and a frozen holder that wakes up can do no harm.
/// </summary>
[Collection(WallClockCollection.Name)]
public sealed class LockHolderDeathTests(SiloProcessFixture fixture)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task HolderProcessKilled_WhileHolding_NextWaiterGetsLockWithinThreeSecondsOfLeaseEndNeverBefore()
    {
        var name = $"killed-{Guid.NewGuid():N}";
        // A 6 s lease leaves room for the waiter to queue over HTTP before it runs out, even on a stalled machine
        // (a waiter that arrived after the expiry would be granted at once and never be seen queueing); the waiter's
        // 12 s wait (inside the test client's 15 s HTTP timeout) outlasts the lease by twice the 3 s the grant is allowed.
        await using var holder = LockHolderProcess.Start(fixture.Redis.ConnectionString, fixture.ClusterId, fixture.ServiceId, name, leaseMs: 6000, "raw");
        var held = await holder.WaitAcquiredAsync();
        var http = fixture.Silos[1].Http;
        var waiter = LockHttp.AcquireAsync(http, name, "next", leaseMs: 5000, waitMs: 12_000);
        await Eventually.TrueAsync(async () => (await LockHttp.StateAsync(http, name)).GetProperty("waiters").GetInt32() == 1, Long, "the next waiter queues");

        await holder.KillAsync();
        var next = await waiter.WaitAsync(Long) ?? throw new InvalidOperationException("the waiter was not granted the lock");

        // Never before the lease ended, and within 3 s of it: the silo's timer, the grant and the HTTP answer on a
        // loaded machine, well inside the waiter's 12 s (a waiter left to its wait would be refused, not granted).
        var grantedAt = next.ExpiresAtUtc - TimeSpan.FromMilliseconds(5000);
        Assert.InRange(grantedAt, held.ExpiresAtUtc, held.ExpiresAtUtc.AddSeconds(3));
        Assert.True(next.FencingToken > held.FencingToken);
        Assert.Equal(HttpStatusCode.NoContent, await LockHttp.ReleaseAsync(http, name, next.Token));
    }

    [Fact]
    public async Task HolderProcessPausedPastLease_ThenResumed_LosesLockStaleFenceRejectedAndReleaseRefused()
    {
        var name = $"paused-{Guid.NewGuid():N}";
        var resource = new ProtectedResource();
        await using var holder = LockHolderProcess.Start(fixture.Redis.ConnectionString, fixture.ClusterId, fixture.ServiceId, name, leaseMs: 1500, "handle");
        var stale = await holder.WaitAcquiredAsync();
        Assert.True(resource.TryAccess(stale.FencingToken));
        var http = fixture.Silos[0].Http;

        holder.Pause();
        var next = await LockHttp.AcquireAsync(http, name, "next", leaseMs: 20_000, waitMs: 10_000)
            ?? throw new InvalidOperationException("the lock was not handed on while its holder was frozen");
        Assert.True(resource.TryAccess(next.FencingToken));
        holder.Resume();

        await holder.WaitForLineAsync("LOST ", Long);
        var staleWrite = resource.TryAccess(stale.FencingToken);
        await holder.SendAsync("release");
        var released = await holder.WaitForLineAsync("RELEASED ", Long);
        var state = await LockHttp.StateAsync(http, name);

        Assert.True(next.FencingToken > stale.FencingToken);
        Assert.InRange(next.ExpiresAtUtc - TimeSpan.FromSeconds(20), stale.ExpiresAtUtc, DateTimeOffset.MaxValue);
        Assert.False(staleWrite);
        Assert.Equal("RELEASED false", released);
        Assert.Equal(HttpStatusCode.Conflict, await LockHttp.ReleaseAsync(http, name, stale.Token));
        Assert.True(state.GetProperty("held").GetBoolean());
        Assert.Equal(("next", next.FencingToken), (state.GetProperty("owner").GetString(), state.GetProperty("fencingToken").GetInt64()));
        Assert.Equal(HttpStatusCode.NoContent, await LockHttp.ReleaseAsync(http, name, next.Token));
    }
}
