using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansRedis.Redis;
using OrleansRedis.Redis.Users;
using OrleansRedis.Testing;

namespace OrleansRedis.Tests.Users;

/// <summary>The version-compared cache writes, against a real redis-server.</summary>
public sealed class UserCacheStoreTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private RedisConnections _connections = null!;
    private UserCacheStore _store = null!;

    public async ValueTask InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        var options = Options.Create(new RedisOptions { State = _redis.ConnectionString });
        _connections = new RedisConnections(options, NullLogger<RedisConnections>.Instance);
        _store = new UserCacheStore(_connections, new RedisKeys(options));
    }

    public async ValueTask DisposeAsync()
    {
        await _connections.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task SetIfNewerAsync_OlderVersionAfterNewer_KeepsTheNewer()
    {
        var id = UserReads.NewId("store");
        await _store.SetIfNewerAsync(id, 2, "{\"v\":2}", TimeSpan.FromMinutes(1));

        var older = await _store.SetIfNewerAsync(id, 1, "{\"v\":1}", TimeSpan.FromMinutes(1));
        var same = await _store.SetIfNewerAsync(id, 2, "{\"other\":2}", TimeSpan.FromMinutes(1));
        var entry = await _store.ReadAsync(id);

        Assert.Equal((false, 2L), older);
        Assert.Equal((false, 2L), same);
        Assert.Equal((2L, "{\"v\":2}"), (entry!.Version, entry.Payload));
    }

    [Fact]
    public async Task SetIfNewerAsync_TombstoneThenOlderUser_StaysATombstone_ThenNewerUserReplacesIt()
    {
        var id = UserReads.NewId("tombstone");
        await _store.SetIfNewerAsync(id, 3, null, TimeSpan.FromMinutes(1));

        var resurrect = await _store.SetIfNewerAsync(id, 2, "{\"old\":true}", TimeSpan.FromMinutes(1));
        var tombstone = await _store.ReadAsync(id);
        var reborn = await _store.SetIfNewerAsync(id, 4, "{\"new\":true}", TimeSpan.FromSeconds(30));
        var entry = await _store.ReadAsync(id);

        Assert.Equal((false, 3L), resurrect);
        Assert.Equal((3L, (string?)null), (tombstone!.Version, tombstone.Payload));
        Assert.Equal((true, 4L), reborn);
        Assert.Equal((4L, "{\"new\":true}"), (entry!.Version, entry.Payload));
        Assert.InRange(entry.TimeToLive, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task ReadAndWrite_AfterRedisRestartEmptiedTheScriptCache_StillWork()
    {
        var id = UserReads.NewId("noscript");
        await _store.SetIfNewerAsync(id, 1, "{}", TimeSpan.FromMinutes(1));
        await _redis.RunCliAsync("script", "flush");

        var written = await _store.SetIfNewerAsync(id, 2, "{\"after\":true}", TimeSpan.FromMinutes(1));
        var entry = await _store.ReadAsync(id);

        Assert.Equal((true, 2L), written);
        Assert.Equal(2, entry!.Version);
    }
}
