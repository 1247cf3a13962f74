namespace OrleansRedis.Redis.RateLimiting;

/// <summary>How a policy counts requests against its limit. Each is one atomic Lua script timed by Redis's clock.</summary>
public enum RateLimitAlgorithm
{
    /// <summary>
    /// An exact sliding window: a sorted set with one entry per admitted unit, trimmed to the window on every check.
    /// Memory grows with the limit (one entry per unit); best for small limits where exactness matters (logins, OTPs).
    /// </summary>
    SlidingLog = 0,

    /// <summary>
    /// Two fixed buckets weighted by how far the current one has run (Cloudflare's approximation): O(1) memory, may
    /// admit slightly more than the limit when the previous bucket's requests were bunched at its end.
    /// </summary>
    SlidingWindowCounter = 1,

    /// <summary>
    /// GCRA, the continuous form of a token bucket: O(1) memory, a full burst of <c>limit</c> at once, then one unit
    /// every <c>window / limit</c>, with an exact retry-after.
    /// </summary>
    TokenBucket = 2,
}
