using Orleans.Configuration;
using OrleansRedis.Abstractions.Configuration;

namespace OrleansRedis.Grains.Hosting;

/// <summary>
/// Reports the values of <c>OrleansRedis:Cluster:Membership</c> that could not be read; the ranges are Orleans' own
/// to check.
/// </summary>
public sealed class MembershipSettingsValidator : SettingsValidator<ClusterMembershipOptions>
{
    /// <summary>The configuration section Orleans' membership timings are bound from.</summary>
    public const string SectionName = "OrleansRedis:Cluster:Membership";

    /// <inheritdoc />
    protected override IEnumerable<string> Check(ClusterMembershipOptions options) => [];
}
