using StackExchange.Redis;

namespace OrleansRedis.Redis.Operations;

/// <summary>
/// The servers of one role's Redis, as the operations see them: the primary of a single Redis, or every live master
/// and replica of a Redis Cluster (read from <c>CLUSTER NODES</c> at the time of the call).
/// </summary>
/// <param name="IsCluster">Whether the role's Redis is a Redis Cluster.</param>
/// <param name="Masters">The primary, or the cluster's live masters that serve slots.</param>
/// <param name="Replicas">The cluster's live replicas; empty for a single Redis.</param>
/// <param name="SlotsCovered">How many of the 16384 hash slots the live masters serve; 0 for a single Redis.</param>
public sealed record RedisNodes(bool IsCluster, IReadOnlyList<IServer> Masters, IReadOnlyList<IServer> Replicas, int SlotsCovered)
{
    /// <summary>The number of hash slots of a Redis Cluster.</summary>
    public const int SlotCount = 16384;

    /// <summary>Gets whether the masters hold the whole keyspace: always for a single Redis, every slot for a cluster.</summary>
    public bool CoversAllSlots => !IsCluster || SlotsCovered == SlotCount;

    /// <summary>Gets every node: masters first, then replicas.</summary>
    public IEnumerable<IServer> All => Masters.Concat(Replicas);
}
