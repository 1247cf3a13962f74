using OrleansRedis.Tests.Users;

namespace OrleansRedis.Tests.Infrastructure;

/// <summary>
/// The one place for tests that real time decides and no <c>FakeTimeProvider</c> can drive: Redis expires keys by its
/// own clock, a silo's timer wakes a waiter at a lease's expiry, a separate process holds or freezes with a lock or must
/// exit within a bound after SIGTERM, a failure mode must decide within a bound. They run one at a time, after every
/// parallel collection, so nothing else in the test process competes for the CPU while they measure; their margins are
/// still sized for a loaded machine (other processes may hold both cores for seconds).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WallClockCollection
    : ICollectionFixture<RedisClusterFixture>, ICollectionFixture<SiloProcessFixture>, ICollectionFixture<PostgresUsersClusterFixture>
{
    public const string Name = "wall-clock";
}
