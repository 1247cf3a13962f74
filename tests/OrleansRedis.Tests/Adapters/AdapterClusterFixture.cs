using Orleans.TestingHost;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Adapters;

/// <summary>
/// The cluster behind the .NET adapters (tickets, HttpContext.Session, IDistributedLockProvider, HybridCache): apps
/// reach it as external clients over TCP, the way a web app next to the cluster does.
/// </summary>
public sealed class AdapterClusterFixture() : TestClusterFixture("adapters")
{
    /// <inheritdoc />
    protected override ConnectionTransportType Transport => ConnectionTransportType.TcpSocket;
}

/// <summary>The adapter test classes; they share one cluster and leave it as they found it.</summary>
[CollectionDefinition(Name)]
public sealed class AdapterClusterCollection : ICollectionFixture<AdapterClusterFixture>
{
    public const string Name = "adapters";
}
