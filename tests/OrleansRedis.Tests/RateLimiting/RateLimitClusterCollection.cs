namespace OrleansRedis.Tests.RateLimiting;

/// <summary>The rate-limit contract tests: they share one cluster and leave it as they found it.</summary>
[CollectionDefinition(Name)]
public sealed class RateLimitClusterCollection : ICollectionFixture<RateLimitClusterFixture>
{
    public const string Name = "ratelimit-cluster";
}

/// <summary>The rate-limit contract tests on a Redis Cluster: they share one cluster and leave it as they found it.</summary>
[CollectionDefinition(Name)]
public sealed class RateLimitOnRedisClusterCollection : ICollectionFixture<RateLimitOnRedisClusterFixture>
{
    public const string Name = "ratelimit-on-redis-cluster";
}
