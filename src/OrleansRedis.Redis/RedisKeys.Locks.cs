using StackExchange.Redis;

namespace OrleansRedis.Redis;

public sealed partial class RedisKeys
{
    /// <summary>The key kind of locks.</summary>
    public const string LockKind = "lock";

    /// <summary>
    /// The lease of lock <paramref name="name"/>: a string <c>{token}:{fencingToken}:{owner}</c> with a TTL, present
    /// only while held.
    /// </summary>
    public RedisKey Lock(string name) => Build(LockKind, name);

    /// <summary>
    /// The fencing counter of lock <paramref name="name"/>: an integer that only grows and never expires. It shares
    /// the hash tag of <see cref="Lock"/>, so one script can touch both on Redis Cluster.
    /// </summary>
    public RedisKey LockFence(string name) => Build(LockKind, name, "fence");
}
