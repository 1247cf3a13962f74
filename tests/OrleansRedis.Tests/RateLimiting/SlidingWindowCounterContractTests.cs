using OrleansRedis.Abstractions.RateLimiting;
using OrleansRedis.Grains.RateLimiting;
using StackExchange.Redis;

namespace OrleansRedis.Tests.RateLimiting;

/// <summary>The contract for the sliding window counter.</summary>
public abstract class SlidingWindowCounterContractTests(RateLimitClusterFixture fixture) : RateLimitContractTests(fixture)
{
    /// <summary>The sliding-window-counter contract on one redis-server.</summary>
    [Collection(RateLimitClusterCollection.Name)]
    public sealed class OnRedis(RateLimitClusterFixture fixture) : SlidingWindowCounterContractTests(fixture);

    /// <summary>The sliding-window-counter contract on a Redis Cluster of three masters and three replicas.</summary>
    [Collection(RateLimitOnRedisClusterCollection.Name)]
    public sealed class OnRedisCluster(RateLimitOnRedisClusterFixture fixture) : SlidingWindowCounterContractTests(fixture);

    /// <inheritdoc />
    protected override string Prefix => "counter";

    [Fact]
    public async Task Check_Counter_StoresTwoBucketsInOneHash()
    {
        var subject = NewSubject();
        await Fixture.Grains.GetRateLimitGrain(Burst, subject).CheckAsync(4);

        var fields = (await Fixture.RedisConnection.GetDatabase().HashGetAllAsync(Fixture.Key(Burst, subject)))
            .ToDictionary(f => f.Name.ToString(), f => f.Value.ToString());

        Assert.Equal(["a", "c", "k", "p"], fields.Keys.Order());
        Assert.Equal(("4", "0", "0"), (fields["c"], fields["p"], fields["k"]));
    }

    /// <inheritdoc />
    protected override async Task AssertStoredUnitsAsync(RedisKey key, RateLimitPolicy policy, long units)
    {
        var values = await Fixture.RedisConnection.GetDatabase().HashGetAsync(key, ["c", "p"]);
        Assert.Equal(units, (long)values[0] + (long)values[1]);
    }
}
