using StackExchange.Redis;

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
    /// <value>
    /// No default: the setting is required, e.g. <c>localhost:6379</c>, unless the host supplies the multiplexer
    /// (<see cref="StateServiceKey"/> or <see cref="StateMultiplexer"/>).
    /// </value>
    public string State { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets the key of a keyed <see cref="IConnectionMultiplexer"/> registered by the host (for example by
    /// Aspire's <c>AddKeyedRedisClient("state")</c>) to use for the <c>State</c> role instead of connecting. The host
    /// owns it: its timeouts apply, and it is never disposed here.
    /// </summary>
    /// <value>The default is <see langword="null"/>: connect with <see cref="State"/>.</value>
    public string? StateServiceKey { get; set; }

    /// <summary>
    /// Gets or sets the key of a keyed <see cref="IConnectionMultiplexer"/> registered by the host to use for the
    /// <c>Cache</c> role.
    /// </summary>
    /// <value>The default is <see langword="null"/>: connect with <see cref="Cache"/>, or share the State role.</value>
    public string? CacheServiceKey { get; set; }

    /// <summary>
    /// Gets or sets a factory returning the host's multiplexer for the <c>State</c> role, e.g.
    /// <c>sp =&gt; sp.GetRequiredService&lt;IConnectionMultiplexer&gt;()</c>. Code only (not read from configuration);
    /// the host owns what it returns.
    /// </summary>
    /// <value>The default is <see langword="null"/>: see <see cref="StateServiceKey"/>.</value>
    public Func<IServiceProvider, IConnectionMultiplexer>? StateMultiplexer { get; set; }

    /// <summary>Gets or sets a factory returning the host's multiplexer for the <c>Cache</c> role. Code only.</summary>
    /// <value>The default is <see langword="null"/>: see <see cref="CacheServiceKey"/>.</value>
    public Func<IServiceProvider, IConnectionMultiplexer>? CacheMultiplexer { get; set; }

    /// <summary>
    /// Gets or sets a factory returning the host's admin-enabled (<c>allowAdmin</c>) multiplexer for the operations
    /// endpoints on the <c>State</c> role (INFO, CONFIG, MEMORY, SCAN). Code only; the host owns what it returns. Use it
    /// when the State multiplexer is the host's and carries what a connection string cannot (TLS callbacks, client
    /// certificates, token authentication): a clone from its text form would lose them.
    /// </summary>
    /// <value>
    /// The default is <see langword="null"/>: the host's State multiplexer itself when it was created with
    /// <c>allowAdmin</c>, otherwise a connection of OrleansRedis' own (a clone of the State settings with
    /// <c>allowAdmin=true</c>).
    /// </value>
    public Func<IServiceProvider, IConnectionMultiplexer>? StateAdminMultiplexer { get; set; }

    /// <summary>Gets or sets the same as <see cref="StateAdminMultiplexer"/> for the <c>Cache</c> role. Code only.</summary>
    /// <value>The default is <see langword="null"/>: as for <see cref="StateAdminMultiplexer"/>, with the Cache role's multiplexer.</value>
    public Func<IServiceProvider, IConnectionMultiplexer>? CacheAdminMultiplexer { get; set; }

    /// <summary>Gets whether the host supplies the State multiplexer (by service key or factory).</summary>
    public bool HostSuppliesState => StateMultiplexer is not null || !string.IsNullOrEmpty(StateServiceKey);

    /// <summary>Gets whether the host supplies the Cache multiplexer (by service key or factory).</summary>
    public bool HostSuppliesCache => CacheMultiplexer is not null || !string.IsNullOrEmpty(CacheServiceKey);

    /// <summary>
    /// Gets or sets the connection string of the <c>Cache</c> Redis (cached user records), which may evict.
    /// </summary>
    /// <value>The default is <see langword="null"/>: the cache shares the <see cref="State"/> connection.</value>
    public string? Cache { get; set; }

    /// <summary>
    /// Gets or sets how long one Redis command may take before it fails. Kept well under Orleans' 30 s response
    /// timeout so that a Redis outage surfaces as a fast, typed failure instead of a hung grain call. A multiplexer
    /// supplied by the host keeps its own timeouts (a warning is logged when they are longer than this).
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
