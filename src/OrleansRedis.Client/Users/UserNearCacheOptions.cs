namespace OrleansRedis.Client.Users;

/// <summary>How <see cref="UserNearCache"/> keeps users in client memory. Bound from <c>OrleansRedis:UserNearCache</c>.</summary>
public sealed class UserNearCacheOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "OrleansRedis:UserNearCache";

    /// <summary>
    /// Gets or sets how long a read (or a write made through the near cache) is served from this process's memory
    /// without asking the user grain. This is the staleness bound: a change made elsewhere is seen here at most this
    /// long after this process last asked the grain. <see cref="TimeSpan.Zero"/> turns the near cache off (every read
    /// is a grain call).
    /// </summary>
    /// <value>The default is 1 second. At most 1 minute.</value>
    public TimeSpan NearCacheTtl { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets how many user ids (found or not) the near cache holds. When full, adding one more drops every
    /// expired entry and then arbitrary entries until at most half remain.
    /// </summary>
    /// <value>The default is 100,000.</value>
    public int MaxEntries { get; set; } = 100_000;
}
