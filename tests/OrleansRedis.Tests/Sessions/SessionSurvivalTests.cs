using OrleansRedis.Abstractions.Sessions;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Sessions;

/// <summary>Sessions live in Redis with their TTLs, so they outlive the silo hosting their grain and the whole cluster.</summary>
public sealed class SessionSurvivalTests(RedisClusterFixture fixture) : IClassFixture<RedisClusterFixture>
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Sessions_HostingSiloKilledThenAllSilosRestarted_IntactWithRemainingTtls()
    {
        var user = $"user-{Guid.NewGuid():N}";
        var sessions = new List<(SessionCreated Created, SessionSnapshot Snapshot)>();
        for (var i = 0; i < 6; i++)
        {
            var created = await fixture.Grains.CreateSessionAsync(
                new SessionDraft(user, $"{{\"n\":{i}}}", TimeSpan.FromMinutes(10), TimeSpan.FromHours(1)));
            sessions.Add((created, (await fixture.Grains.GetSession(created.SessionId).GetAsync())!));
        }

        var host = await fixture.Grains.GetGrain<IManagementGrain>(0).GetActivationAddress(fixture.Grains.GetSession(sessions[0].Created.SessionId));
        await using var redis = await fixture.Redis.ConnectAsync();
        var database = redis.GetDatabase();
        var keys = sessions.Select(s => SessionRedis.SessionKey(SessionIds.Hash(s.Created.SessionId))).ToList();
        // The clock starts before the TTLs are read, so it covers all the time between the two readings.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var ttlsBefore = await Task.WhenAll(keys.Select(k => database.KeyTimeToLiveAsync(k)));

        await fixture.Cluster.KillSiloAsync(fixture.Cluster.GetActiveSilos().Single(s => s.SiloAddress.Equals(host)));
        await fixture.Cluster.StopAllSilosAsync();
        await fixture.Cluster.StartAdditionalSilosAsync(2);
        await fixture.Cluster.InitializeClientAsync();
        var ttlsAfter = await Task.WhenAll(keys.Select(k => database.KeyTimeToLiveAsync(k)));
        var elapsed = clock.Elapsed;

        for (var i = 0; i < sessions.Count; i++)
        {
            // Not reset, not lost: what was left before, less the time the restart took.
            Assert.InRange(ttlsAfter[i]!.Value, ttlsBefore[i]!.Value - elapsed - TimeSpan.FromSeconds(1), ttlsBefore[i]!.Value);
            var index = i;
            var read = await Eventually.SucceedsAsync(
                () => fixture.Grains.GetSession(sessions[index].Created.SessionId).GetAsync(), Recovery, "the session answers on the new silos");
            Assert.NotNull(read);
            Assert.Equal(sessions[i].Snapshot with { IdleExpiresAtUtc = read.IdleExpiresAtUtc }, read);
            Assert.InRange((await database.KeyTimeToLiveAsync(keys[i]))!.Value.TotalMinutes, 9.9, 10);
        }

        Assert.Equal(6, (await fixture.Grains.GetUserSessions(user).ListAsync()).Count);
    }
}
