namespace OrleansRedis.Redis.Operations;

/// <summary>One Redis's memory, eviction and persistence state, with the warnings it deserves.</summary>
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
    IReadOnlyList<MemoryWarning> Warnings);
