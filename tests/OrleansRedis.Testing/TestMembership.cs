namespace OrleansRedis.Testing;

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
}
