namespace OrleansRedis.Redis;

/// <summary>
/// The two Redis roles the backend talks to. Bound from the <c>OrleansRedis:Redis</c> configuration section.
/// </summary>
public sealed class RedisOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "OrleansRedis:Redis";

    /// <summary>
    /// Gets or sets the StackExchange.Redis connection string of the <c>State</c> Redis: membership, grain state,
    /// sessions, locks and rate-limit windows. It must run <c>maxmemory-policy noeviction</c> with AOF on.
    /// </summary>
    /// <value>No default: the setting is required, e.g. <c>localhost:6379</c>.</value>
    public string State { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets the connection string of the <c>Cache</c> Redis (cached user records), which may evict.
    /// </summary>
    /// <value>The default is <see langword="null"/>: the cache shares the <see cref="State"/> connection.</value>
    public string? Cache { get; set; }

    /// <summary>
    /// Gets or sets how long one Redis command may take before it fails. Kept well under Orleans' 30 s response
    /// timeout so that a Redis outage surfaces as a fast, typed failure instead of a hung grain call.
    /// </summary>
    /// <value>The default is 2 seconds.</value>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Gets or sets the prefix of every key the project writes (Orleans' own membership and state keys start with the
    /// cluster's ServiceId instead). Deployments that share one Redis need different prefixes.
    /// </summary>
    /// <value>The default is <c>or</c>.</value>
    public string KeyPrefix { get; set; } = "or";

    /// <summary>Gets or sets how long one connection attempt may take.</summary>
    /// <value>The default is 5 seconds.</value>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
