using OrleansRedis.Grains.RateLimiting;
using OrleansRedis.Redis.RateLimiting;
using OrleansRedis.Tests.Infrastructure;
using StackExchange.Redis;

namespace OrleansRedis.Tests.RateLimiting;

/// <summary>
/// The test cluster with the rate-limit test policies (<see cref="RateLimitTestPolicies"/>) and a second external
/// client, so that checks of one key arrive through two clients and both silos.
/// </summary>
public class RateLimitClusterFixture() : TestClusterFixture("rl")
{
    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string> Settings => RateLimitTestPolicies.Configuration;

    /// <inheritdoc />
    protected override bool StartsSecondClient => true;

    /// <summary>Resolves a configured policy as the silos see it.</summary>
    public RateLimitPolicy Policy(string name) =>
        FromEachSilo<RateLimitPolicies>()[0].TryGet(name, out var policy) ? policy : throw new ArgumentException($"No test policy {name}.", nameof(name));

    /// <summary>Gets the Redis key of a subject's window under a policy.</summary>
    public RedisKey Key(string policy, string subject) =>
        FromEachSilo<RateLimitStore>()[0].KeyFor(Policy(policy).Name, subject, Policy(policy).Algorithm);

    /// <summary>Reads Redis's clock (TIME) in microseconds since the epoch.</summary>
    public async Task<long> RedisMicrosecondsAsync()
    {
        var reply = (RedisResult[])(await RedisConnection.GetDatabase().ExecuteAsync("TIME"))!;
        return (long.Parse(reply[0].ToString()) * 1_000_000) + long.Parse(reply[1].ToString());
    }
}

/// <summary>The rate-limit test cluster with its State, membership and grain storage on a Redis Cluster.</summary>
public sealed class RateLimitOnRedisClusterFixture : RateLimitClusterFixture
{
    /// <inheritdoc />
    protected override bool OnRedisCluster => true;
}
