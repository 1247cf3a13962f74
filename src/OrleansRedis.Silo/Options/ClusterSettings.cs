namespace OrleansRedis.Silo.Options;

/// <summary>Identity and endpoints of this silo. Bound from <c>OrleansRedis:Cluster</c>.</summary>
public sealed class ClusterSettings
{
    /// <summary>Gets or sets the cluster id; silos with the same id and service id form one cluster.</summary>
    /// <value>The default is <c>orleansredis</c>.</value>
    public string ClusterId { get; set; } = "orleansredis";

    /// <summary>
    /// Gets or sets the service id. It is part of every grain-state key in Redis, so it must never change once data
    /// exists.
    /// </summary>
    /// <value>The default is <c>orleansredis</c>.</value>
    public string ServiceId { get; set; } = "orleansredis";

    /// <summary>Gets or sets the port silos talk to each other on.</summary>
    /// <value>The default is 11111.</value>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Gets or sets the port external clients connect to.</summary>
    /// <value>The default is 30000.</value>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// Gets or sets the address other silos and clients reach this silo at: an IP address, or a host name resolved
    /// once at start (useful in containers, whose addresses are not known in advance).
    /// </summary>
    /// <value>The default is <c>127.0.0.1</c>, which suits several silos on one machine.</value>
    public string AdvertisedIp { get; set; } = "127.0.0.1";
}
