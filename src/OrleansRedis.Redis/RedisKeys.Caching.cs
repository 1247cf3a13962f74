using StackExchange.Redis;

namespace OrleansRedis.Redis;

/// <summary>Keys of the cluster cache (HybridCache), on the Cache role.</summary>
public sealed partial class RedisKeys
{
    /// <summary>The key kind of cache entries.</summary>
    public const string CacheEntryKind = "cache";

    /// <summary>The key kind of cache tag sets.</summary>
    public const string CacheTagKind = "cache-tag";

    /// <summary>The hash of one entry (<c>v</c>: bytes, <c>t</c>: tags, one a line) of <paramref name="grainKey"/> ({name}/{key}).</summary>
    public RedisKey CacheEntry(string grainKey) => Build(CacheEntryKind, grainKey);

    /// <summary>The set of the entry keys ({name}/{key}) stored with the tag <paramref name="grainKey"/> ({name}/{tag}).</summary>
    public RedisKey CacheTag(string grainKey) => Build(CacheTagKind, grainKey);
}
