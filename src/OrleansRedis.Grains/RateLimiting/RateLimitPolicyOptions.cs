using OrleansRedis.Redis.RateLimiting;

namespace OrleansRedis.Grains.RateLimiting;

/// <summary>One named policy, bound from <c>OrleansRedis:RateLimits:Policies:{name}</c>.</summary>
public sealed class RateLimitPolicyOptions
{
    /// <summary>Gets or sets how requests are counted.</summary>
    /// <value>The default is <see cref="RateLimitAlgorithm.SlidingLog"/>.</value>
    public RateLimitAlgorithm Algorithm { get; set; } = RateLimitAlgorithm.SlidingLog;

    /// <summary>
    /// Gets or sets how many units a subject may spend per <see cref="Window"/>. Required. At most 100,000 for the
    /// sliding log (one sorted-set entry per unit) and 1,000,000,000 otherwise.
    /// </summary>
    /// <value>No default: the setting is required.</value>
    public long Limit { get; set; }

    /// <summary>Gets or sets the window the limit applies to, from 1 ms to 7 days. Required.</summary>
    /// <value>No default: the setting is required, e.g. <c>00:00:10</c>.</value>
    public TimeSpan Window { get; set; }

    /// <summary>Gets or sets what to decide when Redis cannot decide in time.</summary>
    /// <value>The default is <see cref="RateLimitFailureMode.Open"/>.</value>
    public RateLimitFailureMode FailureMode { get; set; } = RateLimitFailureMode.Open;

    /// <summary>
    /// Gets or sets how long a check may wait for Redis before the failure mode decides; overrides
    /// <see cref="RateLimitingOptions.DecisionTimeout"/> for this policy.
    /// </summary>
    /// <value>The default is <see langword="null"/>: the global <see cref="RateLimitingOptions.DecisionTimeout"/>.</value>
    public TimeSpan? DecisionTimeout { get; set; }
}
