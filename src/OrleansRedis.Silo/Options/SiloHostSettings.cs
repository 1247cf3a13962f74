using OrleansRedis.AspNetCore.Options;
using OrleansRedis.Redis;

namespace OrleansRedis.Silo.Options;

/// <summary>Every setting the host reads at start, bound from the <c>OrleansRedis</c> section.</summary>
public sealed class SiloHostSettings
{
    /// <summary>The configuration section the settings are bound from.</summary>
    public const string SectionName = "OrleansRedis";

    public RedisOptions Redis { get; set; } = new();

    public ClusterSettings Cluster { get; set; } = new();

    public HttpSettings Http { get; set; } = new();

    public AdminSettings Admin { get; set; } = new();

    public DashboardSettings Dashboard { get; set; } = new();
}
