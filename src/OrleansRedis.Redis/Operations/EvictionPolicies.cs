namespace OrleansRedis.Redis.Operations;

/// <summary>Redis's <c>maxmemory-policy</c> values and what they do to keys with a TTL.</summary>
public static class EvictionPolicies
{
    /// <summary>The one policy that never deletes a key to make room.</summary>
    public const string NoEviction = "noeviction";

    /// <summary>Every policy Redis 7 accepts.</summary>
    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        NoEviction, "allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
    };

    /// <summary>
    /// Gets whether <paramref name="policy"/> can delete keys. <c>volatile-*</c> counts: it evicts any key with a TTL,
    /// and sessions, locks and rate-limit windows all carry TTLs.
    /// </summary>
    public static bool IsEvicting(string policy) => !string.Equals(policy, NoEviction, StringComparison.Ordinal);
}
