using System.Collections.Concurrent;
using OrleansRedis.Abstractions.Users;
using OrleansRedis.Testing;

namespace OrleansRedis.Tests.Users;

/// <summary>
/// A thousand users at a time: TTLs spread over the jitter range, and a whole new cluster served from Redis, not the
/// database. Has its own cluster because it restarts every silo.
/// </summary>
public sealed class UserCacheFleetTests(SqliteUsersClusterFixture fixture) : IClassFixture<SqliteUsersClusterFixture>
{
    private const int Users = 1000;
    private static readonly ParallelOptions Parallelism = new() { MaxDegreeOfParallelism = 64 };

    [Fact]
    public async Task GetAsync_1000ColdUsers_RedisTtlsSpreadOverTheJitterRange()
    {
        var ids = NewIds("ttl");
        foreach (var id in ids)
        {
            await fixture.Database.CreateAsync(id, "T", "t@example.com", DateTimeOffset.UtcNow, CancellationToken.None);
        }

        await Parallel.ForEachAsync(ids, Parallelism, async (id, _) => await fixture.Client.GetGrain<IUserGrain>(id).GetAsync());
        var database = fixture.RedisConnection.GetDatabase();
        var ttls = (await Task.WhenAll(ids.Select(id => database.KeyTimeToLiveAsync(UsersClusterFixture.CacheKey(id)))))
            .Select(t => t!.Value.TotalSeconds)
            .ToList();

        // Defaults: 3600 s + 0..300 s. Allow the seconds the test itself took.
        Assert.All(ttls, t => Assert.InRange(t, 3600 - 120, 3900));
        Assert.True(ttls.Max() - ttls.Min() > 200, $"TTLs span only {ttls.Min():0}..{ttls.Max():0} s");
        Assert.True(ttls.Distinct().Count() > Users * 9 / 10, $"only {ttls.Distinct().Count()} distinct TTLs");
        // Uniform jitter puts about a third in each 100 s band; a broken jitter leaves bands nearly empty.
        foreach (var band in new[] { 3600.0, 3700.0, 3800.0 })
        {
            var count = ttls.Count(t => t > band - 60 && t <= band + 100);
            Assert.True(count > 150, $"only {count} TTLs fall near {band}..{band + 100} s");
        }
    }

    [Fact]
    public async Task GetAsync_1000KnownUsersAfterAllSilosReplaced_ServedFromRedisWithZeroDatabaseQueries()
    {
        var ids = NewIds("restart");
        await Parallel.ForEachAsync(ids, Parallelism, async (id, _) =>
            await fixture.Client.GetGrain<IUserGrain>(id).CreateAsync($"User {id}", "known@example.com"));

        await fixture.RestartAllSilosAsync();
        var sources = new ConcurrentBag<UserSource>();
        var users = new ConcurrentBag<UserRecord?>();
        await Parallel.ForEachAsync(ids, Parallelism, async (id, _) =>
        {
            var read = await Eventually.SucceedsAsync(() => fixture.Client.GetGrain<IUserGrain>(id).GetAsync(), TimeSpan.FromSeconds(60), "the new cluster answers");
            sources.Add(read.Source);
            users.Add(read.User);
        });

        Assert.Equal(0, QueryLog.ReadsOf(ids));
        Assert.All(sources, s => Assert.Equal(UserSource.Redis, s));
        Assert.All(users, u => Assert.Equal((1L, "known@example.com"), (u!.Version, u.Email)));
        Assert.Equal(Users, users.Select(u => u!.Id).Distinct().Count());
    }

    private static List<string> NewIds(string prefix) => Enumerable.Range(0, Users).Select(_ => UserReads.NewId(prefix)).ToList();
}
