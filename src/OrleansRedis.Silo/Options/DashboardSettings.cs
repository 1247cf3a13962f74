namespace OrleansRedis.Silo.Options;

/// <summary>The Orleans dashboard at <c>/dashboard</c>. Bound from <c>OrleansRedis:Dashboard</c>.</summary>
public sealed class DashboardSettings
{
    /// <summary>
    /// Gets or sets whether the silo collects the dashboard's figures and serves <c>/dashboard</c>. It costs every silo
    /// a filter on each grain call and a periodic walk of the grain directory (about a seventh of an idle silo's CPU,
    /// docs/benchmarks.md); switch it off on silos that serve heavy traffic and are watched through <c>/metrics</c>.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets how often the dashboard reads its counters.</summary>
    /// <value>The default is 1 second, the least the dashboard accepts.</value>
    public TimeSpan CounterUpdateInterval { get; set; } = TimeSpan.FromSeconds(1);
}
