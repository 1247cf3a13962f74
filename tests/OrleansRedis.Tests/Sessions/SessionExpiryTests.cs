using System.Diagnostics;
using OrleansRedis.Abstractions.Sessions;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Sessions;

/// <summary>
/// Sessions read at a steady cadence against Redis's expiry: the idle timeout slides, the absolute deadline does not.
/// Redis expires the keys by its own clock and the reads keep a real-time cadence, so these sit in the serial
/// <see cref="WallClockCollection"/>: a read delayed past the idle timeout would end the session for real, so the idle timeouts are several seconds.
/// </summary>
[Collection(WallClockCollection.Name)]
public sealed class SessionExpiryTests(RedisClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task Get_ReadRegularly_LivesWellPastItsIdleTimeout()
    {
        // A 6 s idle timeout read every 500 ms: a machine that stalls for seconds between two reads still reads well
        // within it, and 15 s is two and a half idle timeouts.
        var created = await CreateAsync(NewUser(), idleSeconds: 6, absoluteSeconds: 3600);
        var session = Grains.GetSession(created.SessionId);
        var clock = Stopwatch.StartNew();
        using var cadence = new PeriodicTimer(TimeSpan.FromMilliseconds(500));

        var reads = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            Assert.NotNull(await session.GetAsync());
            reads++;
            await cadence.WaitForNextTickAsync();
        }

        Assert.True(reads >= 10, $"only {reads} reads in 15 s");
        Assert.NotNull(await session.GetAsync());
    }

    [Fact]
    public async Task Get_ReadRegularly_EndsAtTheAbsoluteDeadlineNotLater()
    {
        // Idle 5 s, deadline 9 s: reads keep the session past its first idle timeout (a stall of seconds between two
        // reads does not end it), and the 4 s between that and the deadline leave room to see it.
        var created = await CreateAsync(NewUser(), idleSeconds: 5, absoluteSeconds: 9);
        var deadline = created.AbsoluteExpiresAtUtc;
        var session = Grains.GetSession(created.SessionId);
        using var cadence = new PeriodicTimer(TimeSpan.FromMilliseconds(200));

        // Each read with the time it started: what matters is whether a read begun after the deadline can succeed.
        var reads = new List<(DateTimeOffset Started, bool Found)>();
        while (reads.Count == 0 || reads[^1].Started < deadline + TimeSpan.FromSeconds(0.5))
        {
            var started = DateTimeOffset.UtcNow;
            reads.Add((started, await session.GetAsync() is not null));
            await cadence.WaitForNextTickAsync();
        }

        var tolerance = TimeSpan.FromMilliseconds(100); // Redis stamps the deadline in whole milliseconds
        Assert.Contains(reads, r => r.Found && r.Started > created.IdleExpiresAtUtc);
        Assert.All(reads.Where(r => r.Found), r => Assert.True(r.Started <= deadline + tolerance, $"a read begun at {r.Started:O} was served; deadline {deadline:O}"));
        Assert.All(reads.Where(r => r.Started > deadline + tolerance), r => Assert.False(r.Found));
        Assert.False(reads[^1].Found);
    }

    private static string NewUser() => $"user-{Guid.NewGuid():N}";

    private Task<SessionCreated> CreateAsync(string user, int idleSeconds, int absoluteSeconds) =>
        Grains.CreateSessionAsync(new SessionDraft(user, "{}", TimeSpan.FromSeconds(idleSeconds), TimeSpan.FromSeconds(absoluteSeconds)));
}
