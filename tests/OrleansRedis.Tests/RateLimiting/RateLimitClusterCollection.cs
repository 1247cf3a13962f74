namespace OrleansRedis.Tests.RateLimiting;

/// <summary>The rate-limit contract tests: they share one cluster and leave it as they found it.</summary>
[CollectionDefinition(Name)]
public sealed class RateLimitClusterCollection : ICollectionFixture<RateLimitClusterFixture>
{
    public const string Name = "ratelimit-cluster";
}
