using OrleansRedis.Abstractions.Users;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Users;

/// <summary>PostgreSQL stopped under a running cluster: cached users are served stale, uncached ones fail typed, and loads resume.</summary>
[Collection(WallClockCollection.Name)]
public sealed class UserDatabaseOutageTests(PostgresUsersClusterFixture fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task GetAsync_DatabaseDown_CachedServedStaleUncachedFailsThenLoadsResume()
    {
        var cachedId = UserReads.NewId("outage-cached");
        var uncachedId = UserReads.NewId("outage-uncached");
        var cached = await fixture.Client.GetGrain<IUserGrain>(cachedId).CreateAsync("Cached", "cached@example.com");
        await fixture.Database.CreateAsync(uncachedId, "Uncached", "uncached@example.com", DateTimeOffset.UtcNow, CancellationToken.None);

        await fixture.Postgres.StopAsync();
        UserReadResult[] stale;
        UserException uncachedError, writeError;
        try
        {
            // Once the 8 s TTL has passed, the copy is expired and the database unreachable: served stale.
            await Eventually.TrueAsync(async () => (await fixture.Client.GetGrain<IUserGrain>(cachedId).GetAsync()).Stale, Deadline, "the cached user is served stale");
            stale = await UserReads.ConcurrentlyAsync(fixture.Readers(), cachedId, 8);
            uncachedError = await Assert.ThrowsAsync<UserException>(() => fixture.SecondClient.GetGrain<IUserGrain>(uncachedId).GetAsync());
            writeError = await Assert.ThrowsAsync<UserException>(() => fixture.Client.GetGrain<IUserGrain>(cachedId).UpdateAsync("X", "x@example.com", 1));
        }
        finally
        {
            await fixture.Postgres.RestartAsync();
            // The test's own pool held connections the restart broke; a read retries on a fresh one and clears the pool.
            await Eventually.SucceedsAsync(() => fixture.Database.GetAsync(uncachedId, CancellationToken.None), Deadline, "the database answers again");
        }

        var resumed = await Eventually.SucceedsAsync(async () =>
        {
            var read = await fixture.Client.GetGrain<IUserGrain>(cachedId).GetAsync();
            return read.Stale ? throw new InvalidOperationException("still stale") : read;
        }, Deadline, "reads of the cached user are fresh again");
        var loaded = await Eventually.SucceedsAsync(() => fixture.SecondClient.GetGrain<IUserGrain>(uncachedId).GetAsync(), Deadline, "the uncached user loads");

        Assert.All(stale, r => Assert.Equal((cached, true, UserSource.Memory), (r.User, r.Stale, r.Source)));
        Assert.Equal(UserErrorCode.DatabaseUnavailable, uncachedError.Code);
        Assert.Contains(uncachedId, uncachedError.Message);
        Assert.Equal(UserErrorCode.DatabaseUnavailable, writeError.Code);
        Assert.Equal(cached, resumed.User);
        Assert.Equal(("Uncached", UserSource.Database, false), (loaded.User!.Name, loaded.Source, loaded.Stale));
    }
}
