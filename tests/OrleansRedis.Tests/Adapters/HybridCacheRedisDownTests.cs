using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.Errors;
using OrleansRedis.Client.Caching;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Adapters;

/// <summary>With its Redis stopped, <see cref="OrleansRedisHybridCache"/> fails with a reason in bounded time, then recovers.</summary>
public sealed class HybridCacheRedisDownTests(RedisClusterFixture fixture) : IClassFixture<RedisClusterFixture>
{
    // Well below Orleans' 30 s response timeout, which a hanging call would run into, and far above Redis's 2 s
    // operation timeout plus a stall of the machine.
    private static readonly TimeSpan FailureBound = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task GetOrCreate_RedisStopped_FailsWithBackendUnavailableWithinFifteenSeconds_ThenWorksAgain()
    {
        await using var services = new ServiceCollection().BuildServiceProvider();
        await using var cache = new OrleansRedisHybridCache(
            fixture.Grains,
            services,
            Options.Create(new OrleansRedisHybridCacheOptions { Name = $"down{Guid.NewGuid():N}", Redis = fixture.RedisConnectionString }),
            TimeProvider.System);
        Assert.Equal("up", await cache.GetOrCreateAsync("before", _ => ValueTask.FromResult("up")));

        await fixture.Redis.ShutdownAsync();
        try
        {
            var started = TimeProvider.System.GetTimestamp();
            var failure = await Assert.ThrowsAsync<BackendUnavailableException>(
                async () => await cache.GetOrCreateAsync("during", _ => ValueTask.FromResult("never")).AsTask().WaitAsync(Recovery));
            Assert.InRange(TimeProvider.System.GetElapsedTime(started), TimeSpan.Zero, FailureBound);
            Assert.Contains("Redis", failure.Message, StringComparison.Ordinal);
        }
        finally
        {
            await fixture.Redis.RestartAsync();
        }

        var after = await Eventually.SucceedsAsync(
            async () => await cache.GetOrCreateAsync("after", _ => ValueTask.FromResult("back")), Recovery, "the cache works after Redis restarted");
        Assert.Equal("back", after);
    }
}
