namespace OrleansRedis.Abstractions.RateLimiting;

/// <summary>Why a rate-limit call failed (see <see cref="RateLimitException"/>).</summary>
public enum RateLimitErrorCode
{
    /// <summary>The key's policy is not configured on the silo that hosts the key.</summary>
    UnknownPolicy = 1,

    /// <summary>The key is not <c>"{policy}/{subject}"</c> with a valid policy name and subject.</summary>
    InvalidKey = 2,

    /// <summary>Redis could not be reached in time for an operation that has no failure mode (a reset).</summary>
    Unavailable = 3,
}
