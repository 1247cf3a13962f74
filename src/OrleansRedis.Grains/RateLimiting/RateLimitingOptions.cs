namespace OrleansRedis.Grains.RateLimiting;

/// <summary>Rate limiting: the named policies and how checks behave. Bound from <c>OrleansRedis:RateLimits</c>.</summary>
public sealed class RateLimitingOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "OrleansRedis:RateLimits";

    /// <summary>The longest <see cref="DecisionTimeout"/> accepted; well under Orleans' 30 s response timeout.</summary>
    public static readonly TimeSpan MaxDecisionTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Gets the policies by name (case-insensitive). A policy name is the first part of every rate-limit key.</summary>
    /// <value>The default is no policies: every check answers "unknown policy".</value>
    public Dictionary<string, RateLimitPolicyOptions> Policies { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets or sets how long a check may wait for Redis (including time queued behind a batch in flight) before the
    /// policy's failure mode decides. Checks never hang: a decision comes back within this bound.
    /// </summary>
    /// <value>The default is 500 milliseconds.</value>
    public TimeSpan DecisionTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Gets or sets the most checks of one key sent to Redis in one script call.</summary>
    /// <value>The default is 256.</value>
    public int MaxBatchSize { get; set; } = 256;

    /// <summary>
    /// Gets or sets how long a key's grain may deny on its own, without asking Redis, after Redis reported the key
    /// exhausted with a retry-after. Capacity only comes back with time (or a reset through the grain), so these
    /// denials are the ones Redis would give; this caps how long an out-of-band change (a key deleted by hand) goes
    /// unseen. Zero asks Redis for every check.
    /// </summary>
    /// <value>The default is 1 second.</value>
    public TimeSpan ExhaustedCacheDuration { get; set; } = TimeSpan.FromSeconds(1);
}
