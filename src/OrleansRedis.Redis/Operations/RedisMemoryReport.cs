namespace OrleansRedis.Redis.Operations;

/// <summary>
/// One role's Redis: its memory, eviction and persistence state, with the warnings it deserves. For a single Redis the
/// figures are its own; for a Redis Cluster they are totals: memory summed over every node (masters and replicas),
/// keys, evictions, expiries and <c>maxmemory</c> summed over the masters (replicas hold copies), the policy and fsync
/// mode when every node agrees (otherwise <c>mixed</c>), AOF on only when on everywhere. <paramref name="Nodes"/> has
/// each node's own figures; <c>Topology</c> is <c>standalone</c> or <c>cluster</c>, and <c>Complete</c> says whether
/// every slot of the keyspace is served by a node in <c>Nodes</c>.
/// </summary>
public sealed record RedisMemoryReport(
    RedisRole Role,
    string Endpoint,
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
    DateTimeOffset? LastRdbSaveUtc,
    IReadOnlyList<MemoryWarning> Warnings,
    string Topology,
    bool Complete,
    IReadOnlyList<RedisNodeMemory> Nodes);
