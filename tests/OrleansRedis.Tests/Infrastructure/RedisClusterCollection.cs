namespace OrleansRedis.Tests.Infrastructure;

/// <summary>Test classes that share one Redis-backed cluster and leave it as they found it.</summary>
[CollectionDefinition(Name)]
public sealed class RedisClusterCollection : ICollectionFixture<RedisClusterFixture>
{
    public const string Name = "redis-cluster";
}
