namespace OrleansRedis.Client;

/// <summary>
/// How an external client finds the cluster. Bound from the <c>OrleansRedis</c> section, using the same keys as the
/// silo (<c>Redis:State</c>, <c>Cluster:ClusterId</c>, <c>Cluster:ServiceId</c>), so one configuration serves both;
/// the client's own timings from <c>OrleansRedis:Client</c> (<c>ResponseTimeout</c>, <c>GatewayListRefreshPeriod</c>).
/// </summary>
public sealed class OrleansRedisClientOptions
{
    /// <summary>The configuration section of the client's own settings.</summary>
    public const string SectionName = "OrleansRedis:Client";

    /// <summary>
    /// Gets or sets the connection string of the State Redis that holds the membership table; the client reads the
    /// silos' gateway addresses from it.
    /// </summary>
    /// <value>No default: required, e.g. <c>localhost:6379</c>.</value>
    public string RedisState { get; set; } = string.Empty;

    /// <summary>Gets or sets the cluster id of the silos to join.</summary>
    /// <value>The default is <c>orleansredis</c>, as on the silo.</value>
    public string ClusterId { get; set; } = "orleansredis";

    /// <summary>Gets or sets the service id of the silos to join.</summary>
    /// <value>The default is <c>orleansredis</c>, as on the silo.</value>
    public string ServiceId { get; set; } = "orleansredis";

    /// <summary>
    /// Gets or sets how long a grain call may take before it fails with a <see cref="TimeoutException"/>.
    /// </summary>
    /// <value>The default is 30 seconds, Orleans' own default.</value>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how often the client re-reads the gateway list from the membership table. Silos that restart come
    /// back with new generations (and, in containers, new addresses); a client that re-reads rarely keeps trying dead
    /// gateways and misses new ones.
    /// </summary>
    /// <value>The default is 10 seconds (Orleans' own default is one minute).</value>
    public TimeSpan GatewayListRefreshPeriod { get; set; } = TimeSpan.FromSeconds(10);
}
