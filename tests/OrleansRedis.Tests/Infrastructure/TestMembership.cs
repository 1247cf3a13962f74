using Orleans.Configuration;

namespace OrleansRedis.Tests.Infrastructure;

/// <summary>Membership timings that detect a dead silo in seconds instead of the production minute.</summary>
public static class TestMembership
{
    /// <summary>The same timings as environment settings for a silo process.</summary>
    public static readonly IReadOnlyDictionary<string, string> Environment = new Dictionary<string, string>
    {
        ["OrleansRedis__Cluster__Membership__ProbeTimeout"] = "00:00:01",
        ["OrleansRedis__Cluster__Membership__NumMissedProbesLimit"] = "2",
        ["OrleansRedis__Cluster__Membership__NumVotesForDeathDeclaration"] = "1",
        ["OrleansRedis__Cluster__Membership__TableRefreshTimeout"] = "00:00:02",
        ["OrleansRedis__Cluster__Membership__IAmAliveTablePublishTimeout"] = "00:00:05",
    };

    /// <summary>Applies the short timings to a test-cluster silo.</summary>
    public static void Apply(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = TimeSpan.FromSeconds(1);
        options.NumMissedProbesLimit = 2;
        options.NumVotesForDeathDeclaration = 1;
        options.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
    }
}
