namespace OrleansRedis.Tests.Infrastructure;

/// <summary>The plain test cluster: two silos over a private Redis, nothing added to the production wiring.</summary>
public sealed class RedisClusterFixture() : TestClusterFixture("it");
