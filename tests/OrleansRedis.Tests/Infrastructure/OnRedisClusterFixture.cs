namespace OrleansRedis.Tests.Infrastructure;

/// <summary>
/// The plain test cluster on a Redis Cluster: two silos whose State, Orleans membership and grain storage live on
/// three masters with a replica each (<see cref="Testing.RedisCluster"/>), nothing else added to the production wiring.
/// </summary>
public sealed class OnRedisClusterFixture() : TestClusterFixture("rc")
{
    /// <inheritdoc />
    protected override bool OnRedisCluster => true;
}

/// <summary>
/// Contract test classes run on a Redis Cluster (the <c>OnRedisCluster</c> subclass of each contract class) that share
/// one cluster and leave it as they found it.
/// </summary>
[CollectionDefinition(Name)]
public sealed class OnRedisClusterCollection : ICollectionFixture<OnRedisClusterFixture>
{
    public const string Name = "on-redis-cluster";
}
