namespace OrleansRedis.Testing;

/// <summary>
/// Membership timings that detect a dead silo in seconds instead of the production minute. Silos read them from
/// <c>OrleansRedis:Cluster:Membership</c>, so test-cluster silos (configuration keys) and silo processes (environment
/// variables) get them through the same binding the production host uses.
/// </summary>
public static class TestMembership
{
    /// <summary>The timings as configuration keys, for an in-process test cluster.</summary>
    public static readonly IReadOnlyDictionary<string, string> Settings = new Dictionary<string, string>
    {
        ["OrleansRedis:Cluster:Membership:ProbeTimeout"] = "00:00:01",
        ["OrleansRedis:Cluster:Membership:NumMissedProbesLimit"] = "2",
        ["OrleansRedis:Cluster:Membership:NumVotesForDeathDeclaration"] = "1",
        ["OrleansRedis:Cluster:Membership:TableRefreshTimeout"] = "00:00:02",
        ["OrleansRedis:Cluster:Membership:IAmAliveTablePublishTimeout"] = "00:00:05",
    };

    /// <summary>The same timings as environment variables, for a silo process.</summary>
    public static readonly IReadOnlyDictionary<string, string> Environment =
        Settings.ToDictionary(pair => pair.Key.Replace(":", "__", StringComparison.Ordinal), pair => pair.Value);
}
