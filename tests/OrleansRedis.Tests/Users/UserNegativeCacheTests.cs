using OrleansRedis.Abstractions.Users;

namespace OrleansRedis.Tests.Users;

/// <summary>Ids that do not exist are cached negatively, so repeated reads do not reach the database.</summary>
[Collection(SqliteUsersClusterCollection.Name)]
public sealed class UserNegativeCacheTests(SqliteUsersClusterFixture fixture)
{
    [Fact]
    public async Task GetAsync_100ReadsOfAMissingIdWithinTheNegativeTtl_OneDatabaseQuery()
    {
        var id = UserReads.NewId("missing");

        var first = await UserReads.ConcurrentlyAsync(fixture.Readers(), id, 50);
        await fixture.DeactivateAsync(id);
        var second = await UserReads.ConcurrentlyAsync(fixture.Readers(), id, 50);

        Assert.Equal(1, QueryLog.ReadsOf(id));
        Assert.All(first.Concat(second), r => Assert.Null(r.User));
        Assert.Contains(second, r => r.Source == UserSource.Redis);
        var ttl = await fixture.RedisConnection.GetDatabase().KeyTimeToLiveAsync(UsersClusterFixture.CacheKey(id));
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Assert.Equal(0, await fixture.CachedVersionAsync(id));
    }

    [Fact]
    public async Task CreateAsync_AfterAMissCachedNegatively_IsReadableAtOnce()
    {
        var id = UserReads.NewId("late");
        var grain = fixture.Client.GetGrain<IUserGrain>(id);
        Assert.Null((await grain.GetAsync()).User);

        var created = await fixture.SecondClient.GetGrain<IUserGrain>(id).CreateAsync("Late", "late@example.com");
        var reads = await UserReads.ConcurrentlyAsync(fixture.Readers(), id, 8);

        Assert.All(reads, r => Assert.Equal(created, r.User));
        Assert.Equal(1, await fixture.CachedVersionAsync(id));
    }
}
