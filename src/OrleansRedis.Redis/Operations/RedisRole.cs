namespace OrleansRedis.Redis.Operations;

/// <summary>The two jobs a Redis does here; they need different memory policies.</summary>
public enum RedisRole
{
    /// <summary>Membership, grain state, sessions, locks, rate-limit windows: must never evict.</summary>
    State,

    /// <summary>Cached user records: may evict (<c>allkeys-lru</c>).</summary>
    Cache,
}
