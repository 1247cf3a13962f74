using System.Threading.RateLimiting;
using OrleansRedis.Abstractions.RateLimiting;

namespace OrleansRedis.AspNetCore.RateLimiting;

/// <summary>
/// The metadata of an <see cref="OrleansRedisRateLimiter"/> lease, besides <see cref="MetadataName.RetryAfter"/> (on
/// denied leases): read with <c>lease.TryGetMetadata(OrleansRedisRateLimitMetadata.Remaining, out var remaining)</c>.
/// </summary>
public static class OrleansRedisRateLimitMetadata
{
    /// <summary>The policy's limit per window.</summary>
    public static MetadataName<long> Limit { get; } = MetadataName.Create<long>("RATELIMIT_LIMIT");

    /// <summary>The units left after this decision.</summary>
    public static MetadataName<long> Remaining { get; } = MetadataName.Create<long>("RATELIMIT_REMAINING");

    /// <summary>How long until the full limit is available again if nobody spends anything.</summary>
    public static MetadataName<TimeSpan> ResetAfter { get; } = MetadataName.Create<TimeSpan>("RATELIMIT_RESET");

    /// <summary>Whether Redis could not decide in time, so the policy's failure mode did.</summary>
    public static MetadataName<bool> Degraded { get; } = MetadataName.Create<bool>("ORLEANSREDIS_DEGRADED");

    /// <summary>The whole decision of the rate-limit grain.</summary>
    public static MetadataName<RateLimitDecision> Decision { get; } = MetadataName.Create<RateLimitDecision>("ORLEANSREDIS_DECISION");
}
