using System.Globalization;
using OrleansRedis.Abstractions.RateLimiting;
using OrleansRedis.Grains.RateLimiting;
using OrleansRedis.Redis.RateLimiting;
using StackExchange.Redis;

namespace OrleansRedis.Tests.RateLimiting;

/// <summary>The contract for the token bucket (GCRA).</summary>
public abstract class TokenBucketContractTests(RateLimitClusterFixture fixture) : RateLimitContractTests(fixture)
{
    /// <summary>The token-bucket contract on one redis-server.</summary>
    [Collection(RateLimitClusterCollection.Name)]
    public sealed class OnRedis(RateLimitClusterFixture fixture) : TokenBucketContractTests(fixture);

    /// <summary>The token-bucket contract on a Redis Cluster of three masters and three replicas.</summary>
    [Collection(RateLimitOnRedisClusterCollection.Name)]
    public sealed class OnRedisCluster(RateLimitOnRedisClusterFixture fixture) : TokenBucketContractTests(fixture);

    /// <inheritdoc />
    protected override string Prefix => "gcra";

    [Fact]
    public async Task Check_TokenBucket_AfterBurstRetryAfterIsOneEmissionInterval()
    {
        var subject = NewSubject();
        var policy = Fixture.Policy(Burst);
        var grain = Fixture.Grains.GetRateLimitGrain(Burst, subject);
        await grain.CheckAsync((int)policy.Limit);

        var denial = await Fixture.FromEachSilo<RateLimitStore>()[0]
            .CheckAsync(Fixture.Key(Burst, subject), policy.Algorithm, policy.Limit, policy.Window, [1]);
        var interval = policy.Window / policy.Limit;

        Assert.False(denial.Verdicts[0].Allowed);
        Assert.InRange(denial.Verdicts[0].RetryAfter, interval - TimeSpan.FromSeconds(5), interval);
    }

    /// <inheritdoc />
    protected override async Task AssertStoredUnitsAsync(RedisKey key, RateLimitPolicy policy, long units)
    {
        // The TAT sits units * interval past the moment of the first admission; time has passed since, by at most a
        // few seconds, which is far below one interval (15 s) of the burst policy.
        var tat = double.Parse((await Fixture.RedisConnection.GetDatabase().StringGetAsync(key)).ToString(), CultureInfo.InvariantCulture);
        var ahead = tat - await Fixture.RedisMicrosecondsAsync();
        var expected = units * RateLimitStore.Microseconds(policy.Window) / (double)policy.Limit;
        Assert.InRange(ahead, expected - 5_000_000, expected);
    }
}
