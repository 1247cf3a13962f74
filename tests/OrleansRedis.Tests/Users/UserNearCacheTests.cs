using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OrleansRedis.Abstractions.Users;
using OrleansRedis.Client.Hosting;
using OrleansRedis.Client.Users;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Users;

/// <summary>
/// The client near cache in front of real user grains (2 silos, Redis, SQLite), on a <see cref="FakeTimeProvider"/>:
/// what it answers from memory, for how long, with how many grain calls, and that its own writes are read back at once.
/// </summary>
[Collection(SqliteUsersClusterCollection.Name)]
public sealed class UserNearCacheTests(SqliteUsersClusterFixture fixture)
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan JustUnder = Ttl - TimeSpan.FromMilliseconds(1);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task GetAsync_WithinTtl_AnswersWithoutGrainCallOrQuery()
    {
        var id = UserReads.NewId("near-hit");
        await fixture.Client.GetGrain<IUserGrain>(id).CreateAsync("Ada", "ada@example.com");
        var cache = NewCache();
        var first = await cache.GetAsync(id);
        // From here on any grain read must go to the database: no activation, no Redis entry.
        await fixture.DeactivateAsync(id);
        await fixture.RedisConnection.GetDatabase().KeyDeleteAsync(UsersClusterFixture.CacheKey(id));
        var queriesBefore = QueryLog.ReadsOf(id);

        _time.Advance(JustUnder);
        var second = await cache.GetAsync(id);
        var queriesWithinTtl = QueryLog.ReadsOf(id);
        _time.Advance(Ttl - JustUnder);
        var third = await cache.GetAsync(id);

        Assert.Equal((false, true, false), (first.FromNearCache, second.FromNearCache, third.FromNearCache));
        Assert.All([first, second, third], r => Assert.Equal(("Ada", 1L), (r.User!.Name, r.User.Version)));
        Assert.Equal(queriesBefore, queriesWithinTtl);
        Assert.Equal(queriesBefore + 1, QueryLog.ReadsOf(id));
        Assert.Equal(2, cache.GrainReads);
    }

    [Fact]
    public async Task GetAsync_UpdatedElsewhere_OldVersionUntilTtlPassesThenNewVersion()
    {
        var id = UserReads.NewId("near-stale");
        await fixture.Client.GetGrain<IUserGrain>(id).CreateAsync("Old", "old@example.com");
        var cache = NewCache();
        await cache.GetAsync(id);

        await fixture.SecondClient.GetGrain<IUserGrain>(id).UpdateAsync("New", "new@example.com", 1);
        _time.Advance(JustUnder);
        var withinTtl = await cache.GetAsync(id);
        _time.Advance(Ttl - JustUnder);
        var afterTtl = await cache.GetAsync(id);

        Assert.Equal(("Old", 1L, true), (withinTtl.User!.Name, withinTtl.User.Version, withinTtl.FromNearCache));
        Assert.Equal(("New", 2L, false), (afterTtl.User!.Name, afterTtl.User.Version, afterTtl.FromNearCache));
    }

    [Fact]
    public async Task GetAsync_200ConcurrentColdReads_OneGrainCallAndOneDatabaseQuery()
    {
        var id = UserReads.NewId("near-flight");
        await fixture.Database.CreateAsync(id, "Cold", "cold@example.com", DateTimeOffset.UtcNow, CancellationToken.None);
        var cache = NewCache();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        QueryLog.AfterRead(id, () => gate.Task); // holds the one load until every read has started
        try
        {
            var reads = Enumerable.Range(0, 200).Select(_ => cache.GetAsync(id)).ToArray();
            gate.SetResult();
            var results = await Task.WhenAll(reads);

            Assert.All(results, r => Assert.Equal(("Cold", 1L, false), (r.User!.Name, r.User.Version, r.FromNearCache)));
            Assert.Equal(1, cache.GrainReads);
            Assert.Equal(1, QueryLog.ReadsOf(id));
            Assert.True((await cache.GetAsync(id)).FromNearCache);
        }
        finally
        {
            QueryLog.ClearHook(id);
        }
    }

    [Fact]
    public async Task UpdateAsync_ThroughNearCache_ThisProcessReadsNewVersionAtOnceOthersWithinTtl()
    {
        var id = UserReads.NewId("near-write");
        await fixture.Client.GetGrain<IUserGrain>(id).CreateAsync("Before", "before@example.com");
        var writer = NewCache();
        var otherProcess = UserNearCache.Create(fixture.SecondClient, new UserNearCacheOptions { NearCacheTtl = Ttl }, _time);
        await writer.GetAsync(id);
        await otherProcess.GetAsync(id);

        var updated = await writer.UpdateAsync(id, "After", "after@example.com", 1);
        var own = await writer.GetAsync(id);
        var other = await otherProcess.GetAsync(id);
        _time.Advance(Ttl);
        var otherAfterTtl = await otherProcess.GetAsync(id);

        Assert.Equal(2, updated.Version);
        Assert.Equal(("After", 2L, true), (own.User!.Name, own.User.Version, own.FromNearCache));
        Assert.Equal(("Before", 1L), (other.User!.Name, other.User.Version));
        Assert.Equal(("After", 2L), (otherAfterTtl.User!.Name, otherAfterTtl.User.Version));
    }

    [Fact]
    public async Task UpdateAsync_VersionConflict_ThrowsAndDropsTheLocalCopy()
    {
        var id = UserReads.NewId("near-conflict");
        await fixture.Client.GetGrain<IUserGrain>(id).CreateAsync("A", "a@example.com");
        var cache = NewCache();
        await cache.GetAsync(id);
        await fixture.SecondClient.GetGrain<IUserGrain>(id).UpdateAsync("B", "b@example.com", 1);

        var error = await Assert.ThrowsAsync<UserException>(() => cache.UpdateAsync(id, "C", "c@example.com", 1));
        var next = await cache.GetAsync(id);

        Assert.Equal((UserErrorCode.VersionConflict, 2L), (error.Code, error.CurrentVersion));
        Assert.Equal(("B", 2L, false), (next.User!.Name, next.User.Version, next.FromNearCache));
    }

    [Fact]
    public async Task DeleteAndCreate_ThroughNearCache_ReadBackAtOnce()
    {
        var id = UserReads.NewId("near-delete");
        var cache = NewCache();
        await cache.CreateAsync(id, "Temp", "temp@example.com");
        var created = await cache.GetAsync(id);

        await cache.DeleteAsync(id, 1);
        var deleted = await cache.GetAsync(id);
        await cache.CreateAsync(id, "Again", "again@example.com"); // versions continue past the delete's tombstone
        var recreated = await cache.GetAsync(id);

        Assert.Equal(("Temp", true), (created.User!.Name, created.FromNearCache));
        Assert.Equal((null, true), (deleted.User, deleted.FromNearCache));
        Assert.Equal(("Again", 3L, true), (recreated.User!.Name, recreated.User.Version, recreated.FromNearCache));
        Assert.Equal(0, cache.GrainReads);
    }

    [Fact]
    public async Task GetAsync_UnknownUser_NotFoundIsCachedForTtl()
    {
        var id = UserReads.NewId("near-missing");
        var cache = NewCache();
        var first = await cache.GetAsync(id);
        await fixture.Client.GetGrain<IUserGrain>(id).CreateAsync("Late", "late@example.com");

        _time.Advance(JustUnder);
        var withinTtl = await cache.GetAsync(id);
        _time.Advance(Ttl - JustUnder);
        var afterTtl = await cache.GetAsync(id);

        Assert.Equal((null, false), (first.User, first.FromNearCache));
        Assert.Equal((null, true), (withinTtl.User, withinTtl.FromNearCache));
        Assert.Equal(("Late", false), (afterTtl.User!.Name, afterTtl.FromNearCache));
    }

    [Fact]
    public async Task GetAsync_OlderReplyArrivesAfterThisProcessUpdates_KeepsTheUpdate()
    {
        var id = UserReads.NewId("near-race");
        await fixture.Client.GetGrain<IUserGrain>(id).CreateAsync("V1", "v1@example.com");
        var held = new HeldReplyFilter(id);
        await using var client = await StartClientAsync(held);
        var cache = UserNearCache.Create(client.Grains, new UserNearCacheOptions { NearCacheTtl = Ttl }, _time);
        try
        {
            var read = cache.GetAsync(id);
            await held.Answered.WaitAsync(TimeSpan.FromSeconds(30)); // the grain answered version 1; the reply is held
            await cache.UpdateAsync(id, "V2", "v2@example.com", 1);
            held.Release();
            var late = await read;

            var next = await cache.GetAsync(id);

            Assert.Equal(1, late.User!.Version);
            Assert.Equal(("V2", 2L, true), (next.User!.Name, next.User.Version, next.FromNearCache));
        }
        finally
        {
            held.Release();
        }
    }

    [Fact]
    public async Task Invalidate_WhileAnOlderReplyIsInFlight_NextReadAsksTheGrain()
    {
        var id = UserReads.NewId("near-fence");
        await fixture.Client.GetGrain<IUserGrain>(id).CreateAsync("V1", "v1@example.com");
        var held = new HeldReplyFilter(id);
        await using var client = await StartClientAsync(held);
        var cache = UserNearCache.Create(client.Grains, new UserNearCacheOptions { NearCacheTtl = Ttl }, _time);
        try
        {
            var read = cache.GetAsync(id);
            await held.Answered.WaitAsync(TimeSpan.FromSeconds(30));
            await fixture.SecondClient.GetGrain<IUserGrain>(id).UpdateAsync("V2", "v2@example.com", 1);
            cache.Invalidate(id);
            held.Release();
            await read;

            var next = await cache.GetAsync(id);

            Assert.Equal(("V2", false), (next.User!.Name, next.FromNearCache));
        }
        finally
        {
            held.Release();
        }
    }

    [Fact]
    public async Task Invalidate_CachedUser_NextReadAsksTheGrain()
    {
        var id = UserReads.NewId("near-invalidate");
        await fixture.Client.GetGrain<IUserGrain>(id).CreateAsync("Old", "old@example.com");
        var cache = NewCache();
        await cache.GetAsync(id);
        await fixture.SecondClient.GetGrain<IUserGrain>(id).UpdateAsync("New", "new@example.com", 1);

        cache.Invalidate(id);
        var next = await cache.GetAsync(id);

        Assert.Equal(("New", false), (next.User!.Name, next.FromNearCache));
        Assert.Equal(2, cache.GrainReads);
    }

    [Fact]
    public async Task GetAsync_TtlZero_EveryReadIsAGrainCall()
    {
        var id = UserReads.NewId("near-off");
        await fixture.Client.GetGrain<IUserGrain>(id).CreateAsync("Off", "off@example.com");
        var cache = UserNearCache.Create(fixture.Client, new UserNearCacheOptions { NearCacheTtl = TimeSpan.Zero }, _time);

        var reads = new[] { await cache.GetAsync(id), await cache.GetAsync(id), await cache.GetAsync(id) };

        Assert.All(reads, r => Assert.Equal(("Off", false), (r.User!.Name, r.FromNearCache)));
        Assert.Equal((3L, 0), (cache.GrainReads, cache.Count));
    }

    [Fact]
    public async Task GetAsync_MoreIdsThanMaxEntries_StaysBoundedAndKeepsTheNewest()
    {
        var cache = UserNearCache.Create(fixture.Client, new UserNearCacheOptions { NearCacheTtl = Ttl, MaxEntries = 4 }, _time);
        var ids = Enumerable.Range(0, 9).Select(_ => UserReads.NewId("near-bound")).ToList();

        foreach (var id in ids)
        {
            await cache.GetAsync(id);
            Assert.InRange(cache.Count, 1, 4);
        }

        Assert.True((await cache.GetAsync(ids[^1])).FromNearCache);
    }

    [Fact]
    public async Task GetAsync_InvalidId_ThrowsArgumentExceptionWithoutCaching()
    {
        var cache = NewCache();

        await Assert.ThrowsAsync<ArgumentException>(() => cache.GetAsync("not a valid id!"));

        Assert.Equal((0L, 0), (cache.GrainReads, cache.Count));
    }

    [Fact]
    public void Options_Defaults_ValidAndDocumentedValues()
    {
        var options = new UserNearCacheOptions();

        Assert.Empty(UserNearCacheOptionsValidator.Errors(options));
        Assert.Equal((TimeSpan.FromSeconds(1), 100_000), (options.NearCacheTtl, options.MaxEntries));
    }

    [Theory]
    [InlineData("-00:00:01", "100", "OrleansRedis:UserNearCache:NearCacheTtl must be between 00:00:00 (off) and 00:01:00")]
    [InlineData("00:01:01", "100", "OrleansRedis:UserNearCache:NearCacheTtl must be between 00:00:00 (off) and 00:01:00")]
    [InlineData("00:00:01", "0", "OrleansRedis:UserNearCache:MaxEntries must be between 1 and 10000000")]
    [InlineData("00:00:01", "10000001", "OrleansRedis:UserNearCache:MaxEntries must be between 1 and 10000000")]
    public void AddOrleansRedisUserNearCache_BadSetting_StartFailsNamingTheSetting(string ttl, string maxEntries, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OrleansRedis:UserNearCache:NearCacheTtl"] = ttl,
            ["OrleansRedis:UserNearCache:MaxEntries"] = maxEntries,
        }).Build();
        using var services = new ServiceCollection().AddOrleansRedisUserNearCache(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<UserNearCacheOptions>>().Value);

        Assert.Contains(error.Failures, f => f.StartsWith(expected, StringComparison.Ordinal));
        var direct = Assert.Throws<OptionsValidationException>(() => UserNearCache.Create(fixture.Client, Bound(configuration)));
        Assert.Contains(direct.Failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void AddOrleansRedisUserNearCache_GoodSettings_BindsThem()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OrleansRedis:UserNearCache:NearCacheTtl"] = "00:00:05",
            ["OrleansRedis:UserNearCache:MaxEntries"] = "500",
        }).Build();
        using var services = new ServiceCollection().AddOrleansRedisUserNearCache(configuration).BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<UserNearCacheOptions>>().Value;

        Assert.Equal((TimeSpan.FromSeconds(5), 500), (options.NearCacheTtl, options.MaxEntries));
    }

    private static UserNearCacheOptions Bound(IConfiguration configuration)
    {
        var options = new UserNearCacheOptions();
        configuration.GetSection(UserNearCacheOptions.SectionName).Bind(options);
        return options;
    }

    private Task<ExternalClient> StartClientAsync(IOutgoingGrainCallFilter filter) =>
        fixture.StartClientAsync(services => services.AddSingleton(filter));

    private UserNearCache NewCache() => UserNearCache.Create(fixture.Client, new UserNearCacheOptions { NearCacheTtl = Ttl }, _time);
}
