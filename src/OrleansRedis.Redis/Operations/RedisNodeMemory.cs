namespace OrleansRedis.Redis.Operations;

/// <summary>One node's memory, eviction and persistence state (a single Redis has one node; a cluster one per master and replica).</summary>
public sealed record RedisNodeMemory(
    string Endpoint,
    bool IsReplica,
    string RedisVersion,
    long UsedMemoryBytes,
    string UsedMemoryHuman,
    long PeakMemoryBytes,
    long RssBytes,
    double FragmentationRatio,
    long MaxMemoryBytes,
    string MaxMemoryPolicy,
    long EvictedKeys,
    long ExpiredKeys,
    long Keys,
    long KeysWithExpiry,
    bool AofEnabled,
    string? AppendFsync,
    DateTimeOffset? LastRdbSaveUtc);
