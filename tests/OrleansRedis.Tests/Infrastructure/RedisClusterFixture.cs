using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.TestingHost;
using OrleansRedis.Grains.Hosting;
using OrleansRedis.Testing;

namespace OrleansRedis.Tests.Infrastructure;

/// <summary>
/// A private <c>redis-server</c> plus a 2-silo Orleans test cluster whose membership and grain state live in it, wired
/// exactly as the production host wires them (<see cref="OrleansRedisSiloBuilderExtensions.UseOrleansRedis"/>).
/// Each fixture has its own ServiceId and ClusterId, so nothing leaks between fixtures.
/// </summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    /// <summary>Gets the Redis server holding membership and state.</summary>
    public RedisServer Redis { get; private set; } = null!;

    /// <summary>Gets the test cluster.</summary>
    public TestCluster Cluster { get; private set; } = null!;

    /// <summary>Gets the cluster's service id (the prefix of its state keys).</summary>
    public string ServiceId { get; } = $"it-{Guid.NewGuid():N}";

    /// <summary>Gets the cluster id.</summary>
    public string ClusterId { get; } = $"cluster-{Guid.NewGuid():N}";

    /// <summary>Gets the Redis key of the membership hash.</summary>
    public string MembershipKey => $"{ServiceId}/members/{ClusterId}";

    /// <summary>Gets the grain factory of the in-test client.</summary>
    public IGrainFactory Grains => Cluster.Client;

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        var builder = new TestClusterBuilder(2);
        builder.Options.UseTestClusterMembership = false;
        builder.Options.ServiceId = ServiceId;
        builder.Options.ClusterId = ClusterId;
        builder.Options.ConfigureFileLogging = false;
        builder.Properties["OrleansRedis:Redis:State"] = Redis.ConnectionString;
        foreach (var (key, value) in TestMembership.Settings)
        {
            builder.Properties[key] = value;
        }

        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
    }

    /// <summary>Wires each test silo to Redis the production way, with the membership timings of <see cref="TestMembership"/>.</summary>
    public sealed class SiloConfigurator : ISiloConfigurator
    {
        /// <inheritdoc />
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder.UseOrleansRedis();
    }

    /// <summary>Lets the in-test client find gateways through the Redis membership table.</summary>
    public sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        /// <inheritdoc />
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
            clientBuilder.UseRedisClustering(configuration["OrleansRedis:Redis:State"]!);
    }
}
