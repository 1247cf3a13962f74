using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansRedis.Redis;
using OrleansRedis.Redis.Operations;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Foundation;
using StackExchange.Redis;

namespace OrleansRedis.Tests.Operations;

/// <summary>
/// The eviction guard when the Cache role names the State server in other words: a second connection string
/// (<c>localhost</c> for <c>127.0.0.1</c>) or a second multiplexer handed in by the host. One redis-server plays both.
/// </summary>
public sealed class SameServerEvictionGuardTests
{
    [Fact]
    public async Task ApplyAsync_CacheConnectionStringNamesStateServer_RefusedUnlessForced()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var connections = new RedisConnections(
            Options.Create(new RedisOptions { State = $"127.0.0.1:{redis.Port}", Cache = $"localhost:{redis.Port}" }),
            NullLogger<RedisConnections>.Instance);

        await AssertRefusedThenForcedAsync(redis, connections);
    }

    [Fact]
    public async Task ApplyAsync_TwoHostMultiplexersToOneServer_RefusedUnlessForced()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var state = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redis.Port}");
        await using var cache = await ConnectionMultiplexer.ConnectAsync($"localhost:{redis.Port}");
        await using var connections = new RedisConnections(
            Options.Create(new RedisOptions { StateMultiplexer = _ => state, CacheMultiplexer = _ => cache }),
            NullLogger<RedisConnections>.Instance);

        await AssertRefusedThenForcedAsync(redis, connections);
    }

    [Fact]
    public async Task ApplyAsync_SeparateCacheServer_EvictingPolicyAllowedWithoutForce()
    {
        await using var stateRedis = await RedisServer.StartAsync();
        await using var cacheRedis = await RedisServer.StartAsync();
        await using var connections = new RedisConnections(
            Options.Create(new RedisOptions { State = stateRedis.ConnectionString, Cache = cacheRedis.ConnectionString }),
            NullLogger<RedisConnections>.Instance);
        await using var admin = new RedisAdminConnections(connections);

        var (_, policy, _) = await new MaxMemorySetter(admin).ApplyAsync(new MaxMemoryChange(RedisRole.Cache, null, "allkeys-lru", Force: false));

        Assert.Equal("allkeys-lru", policy);
        Assert.Contains("noeviction", await stateRedis.RunCliAsync("config", "get", "maxmemory-policy"));
    }

    [Fact]
    public async Task PutMaxMemory_SiloCacheIsStateByAnotherName_409UnlessForced()
    {
        await using var redis = await RedisServer.StartAsync();
        var adminKey = $"same-admin-{Guid.NewGuid():N}";
        await using var silo = SiloProcess.Start(redis.ConnectionString, $"same-{Guid.NewGuid():N}", $"same-{Guid.NewGuid():N}", new Dictionary<string, string>
        {
            ["OrleansRedis__Redis__Cache"] = $"localhost:{redis.Port}",
            ["OrleansRedis__Admin__ApiKey"] = adminKey,
        });
        await silo.WaitReadyAsync();
        silo.Http.DefaultRequestHeaders.Add("X-Admin-Key", adminKey);

        using var refused = await silo.Http.PutAsJsonAsync("/admin/redis/maxmemory", new { role = "cache", policy = "allkeys-lru" });
        var problem = await ProblemAssert.IsAsync(refused, HttpStatusCode.Conflict);
        Assert.Contains("same server as the State Redis", problem.GetProperty("detail").GetString());
        Assert.Contains("noeviction", await redis.RunCliAsync("config", "get", "maxmemory-policy"));

        using var forced = await silo.Http.PutAsJsonAsync("/admin/redis/maxmemory", new { role = "cache", policy = "allkeys-lru", force = true });
        Assert.Equal(HttpStatusCode.OK, forced.StatusCode);
        Assert.Contains("allkeys-lru", await redis.RunCliAsync("config", "get", "maxmemory-policy"));
    }

    private static async Task AssertRefusedThenForcedAsync(RedisServer redis, RedisConnections connections)
    {
        await using var admin = new RedisAdminConnections(connections);
        var setter = new MaxMemorySetter(admin);
        Assert.True(admin.HasSeparateCache, "the roles must look separate for the test to mean anything");

        var refusal = await Assert.ThrowsAsync<EvictionGuardException>(
            () => setter.ApplyAsync(new MaxMemoryChange(RedisRole.Cache, null, "allkeys-lru", Force: false)));
        Assert.Contains("same server as the State Redis", refusal.Message);
        Assert.Contains("noeviction", await redis.RunCliAsync("config", "get", "maxmemory-policy"));

        var (_, policy, _) = await setter.ApplyAsync(new MaxMemoryChange(RedisRole.Cache, null, "allkeys-lru", Force: true));
        Assert.Equal("allkeys-lru", policy);
        Assert.Contains("allkeys-lru", await redis.RunCliAsync("config", "get", "maxmemory-policy"));
    }
}
