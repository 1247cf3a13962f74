using OrleansRedis.Redis.RateLimiting;

namespace OrleansRedis.Grains.RateLimiting;

/// <summary>A validated, resolved policy: what a rate-limit grain enforces.</summary>
/// <param name="Name">The policy's name, as configured.</param>
/// <param name="Algorithm">How requests are counted.</param>
/// <param name="Limit">Units per window.</param>
/// <param name="Window">The window.</param>
/// <param name="FailureMode">What to decide when Redis cannot decide in time.</param>
/// <param name="DecisionTimeout">How long a check may wait for Redis.</param>
public sealed record RateLimitPolicy(
    string Name, RateLimitAlgorithm Algorithm, long Limit, TimeSpan Window, RateLimitFailureMode FailureMode, TimeSpan DecisionTimeout);
