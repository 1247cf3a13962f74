namespace OrleansRedis.Client.Caching;

/// <summary>How <see cref="OrleansRedisHybridCache"/> caches. Bound from <c>OrleansRedis:HybridCache</c>.</summary>
public sealed class OrleansRedisHybridCacheOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "OrleansRedis:HybridCache";

    /// <summary>Gets or sets the cache's name: caches of different names share no key, tag or eviction.</summary>
    /// <value>The default is <c>default</c>.</value>
    public string Name { get; set; } = "default";

    /// <summary>
    /// Gets or sets the StackExchange.Redis connection string of the Redis whose channel carries evictions to every
    /// node's local copies; every node of the cache must name the same Redis.
    /// </summary>
    /// <value>The default is <c>OrleansRedis:Redis:State</c>.</value>
    public string? Redis { get; set; }

    /// <summary>Gets or sets how long an entry stays in the cluster (Redis) when its options name no expiration.</summary>
    /// <value>The default is 5 minutes.</value>
    public TimeSpan DefaultExpiration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets how long a node keeps an entry in its own memory when its options name none (never longer than
    /// the entry's expiration). Changes reach every node at once through the eviction channel; this bounds staleness
    /// only if an eviction is lost.
    /// </summary>
    /// <value>The default is 1 minute.</value>
    public TimeSpan DefaultLocalCacheExpiration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets the most entries a node keeps in memory; when full, expired and then arbitrary ones go, down to half.</summary>
    /// <value>The default is 100,000.</value>
    public int MaxLocalEntries { get; set; } = 100_000;

    /// <summary>Gets or sets the largest serialized value cached; a larger one is returned to its caller but not cached.</summary>
    /// <value>The default is 1 MiB.</value>
    public int MaximumPayloadBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Gets or sets how long the caller elected to run a factory has before the others stop waiting for it and elect
    /// another one (it died or hangs).
    /// </summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan FactoryTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
