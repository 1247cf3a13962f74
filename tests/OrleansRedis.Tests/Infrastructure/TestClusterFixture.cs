using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.TestingHost;
using OrleansRedis.Grains.Hosting;
using OrleansRedis.Testing;
using StackExchange.Redis;

namespace OrleansRedis.Tests.Infrastructure;

/// <summary>
/// The base of every in-process test cluster: a private <c>redis-server</c>, a 2-silo <see cref="TestCluster"/> wired
/// the production way (<see cref="OrleansRedisSiloBuilderExtensions.UseOrleansRedis"/>) with the fast membership
/// timings of <see cref="TestMembership"/> (so a killed silo is declared dead in seconds), a ServiceId and ClusterId of
/// its own (nothing leaks between fixtures), an optional second external client, and disposal in reverse order.
/// Subclasses say only what differs: <see cref="Settings"/>, <see cref="Transport"/>, extra silo configurators
/// (<see cref="ConfigureCluster"/>), resources started before or stopped after the cluster, and
/// <see cref="OnRedisCluster"/>: the silos' State (and Cache), Orleans membership and grain storage on a
/// <see cref="Testing.RedisCluster"/> of three masters and three replicas instead of one <c>redis-server</c>.
/// </summary>
public abstract class TestClusterFixture : IAsyncLifetime
{
    private ExternalClient? _secondClient;
    private RedisServer? _redis;
    private RedisCluster? _redisCluster;

    /// <summary>Initializes the ids with <paramref name="idPrefix"/>, which names the fixture in Redis keys.</summary>
    protected TestClusterFixture(string idPrefix)
    {
        ServiceId = $"{idPrefix}-{Guid.NewGuid():N}";
        ClusterId = $"{idPrefix}-{Guid.NewGuid():N}";
    }

    /// <summary>Gets the Redis server holding membership and state; fixtures on one <c>redis-server</c> only.</summary>
    public RedisServer Redis =>
        _redis ?? throw new InvalidOperationException($"{GetType().Name} runs on a Redis Cluster: use {nameof(RedisCluster)} or {nameof(RedisConnection)}.");

    /// <summary>Gets the Redis Cluster holding membership and state; fixtures with <see cref="OnRedisCluster"/> only.</summary>
    public RedisCluster RedisCluster =>
        _redisCluster ?? throw new InvalidOperationException($"{GetType().Name} runs on one redis-server: use {nameof(Redis)}.");

    /// <summary>Gets the connection string of the Redis the silos use (every node of a Redis Cluster).</summary>
    public string RedisConnectionString => _redisCluster?.ConnectionString ?? Redis.ConnectionString;

    /// <summary>
    /// Gets an admin-enabled connection to the silos' Redis for arranging and inspecting keys; on a Redis Cluster it
    /// routes each key to its master.
    /// </summary>
    public ConnectionMultiplexer RedisConnection { get; private set; } = null!;

    /// <summary>
    /// Gets extra <c>redis-server</c> arguments of the single server (a fixture that kills Redis passes
    /// <c>--appendfsync always</c>, as the fault suite does, so that nothing acknowledged is lost with it).
    /// </summary>
    protected virtual string[] RedisArguments => [];

    /// <summary>Gets whether the silos run on a Redis Cluster (three masters, three replicas) rather than one redis-server.</summary>
    protected virtual bool OnRedisCluster => false;

    /// <summary>
    /// Gets <c>cluster-node-timeout</c> of the Redis Cluster: long by default, so that a node stalled for seconds on a
    /// loaded machine is never replaced; a fixture that tests failover shortens it.
    /// </summary>
    protected virtual TimeSpan RedisClusterNodeTimeout => TimeSpan.FromSeconds(30);

    /// <summary>Gets the test cluster.</summary>
    public TestCluster Cluster { get; private set; } = null!;

    /// <summary>Gets the cluster's service id (the prefix of its state keys).</summary>
    public string ServiceId { get; }

    /// <summary>Gets the cluster id.</summary>
    public string ClusterId { get; }

    /// <summary>Gets the Redis key of the membership hash.</summary>
    public string MembershipKey => $"{ServiceId}/members/{ClusterId}";

    /// <summary>Gets the grain factory of the cluster's own client.</summary>
    public IGrainFactory Grains => Cluster.Client;

    /// <summary>Gets the second external client; fixtures that start it with the cluster (<see cref="StartsSecondClient"/>) only.</summary>
    public IGrainFactory SecondClient =>
        _secondClient?.Grains ?? throw new InvalidOperationException($"{GetType().Name} has no second client running.");

    /// <summary>Gets extra configuration for the silos (<c>OrleansRedis:*</c> keys).</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    /// <summary>
    /// Gets how silos and clients talk. The default is in-memory; a fixture with a second client needs real TCP,
    /// because that client reaches the gateways as an application would.
    /// </summary>
    protected virtual ConnectionTransportType Transport => StartsSecondClient ? ConnectionTransportType.TcpSocket : ConnectionTransportType.InMemory;

    /// <summary>Gets whether a second external client starts with the cluster (and restarts with it).</summary>
    protected virtual bool StartsSecondClient => false;

    /// <summary>Starts another external client of this cluster; the caller disposes it.</summary>
    public Task<ExternalClient> StartClientAsync(Action<IServiceCollection>? services = null) =>
        ExternalClient.StartAsync(RedisConnectionString, ClusterId, ServiceId, services);

    /// <summary>Gets service <typeparamref name="T"/> of every active silo.</summary>
    public IReadOnlyList<T> FromEachSilo<T>()
        where T : notnull =>
        [.. Cluster.GetActiveSilos().Select(silo => Cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<T>())];

    /// <summary>Stops every silo, starts two new ones and reconnects the clients: a full cluster restart.</summary>
    public async Task RestartAllSilosAsync()
    {
        await StopSecondClientAsync();
        await Cluster.StopAllSilosAsync();
        await Cluster.StartAdditionalSilosAsync(2);
        await Cluster.InitializeClientAsync();
        if (StartsSecondClient)
        {
            _secondClient = await StartClientAsync();
        }
    }

    /// <summary>
    /// Returns every key matching <paramref name="pattern"/> on every master (SCAN on each node), as an operator's
    /// <c>redis-cli --scan</c> per node would list them.
    /// </summary>
    public async Task<IReadOnlyList<string>> ScanKeysAsync(string pattern = "*")
    {
        var keys = new List<string>();
        foreach (var server in RedisConnection.GetServers().Where(server => server.IsConnected && !server.IsReplica))
        {
            await foreach (var key in server.KeysAsync(pattern: pattern))
            {
                keys.Add(key.ToString());
            }
        }

        return keys;
    }

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        if (OnRedisCluster)
        {
            _redisCluster = await RedisCluster.StartAsync(RedisClusterNodeTimeout);
            RedisConnection = await _redisCluster.ConnectAsync();
        }
        else
        {
            _redis = await RedisServer.StartAsync(RedisArguments);
            RedisConnection = await _redis.ConnectAsync();
        }

        await BeforeClusterAsync();

        var builder = new TestClusterBuilder(2);
        builder.Options.UseTestClusterMembership = false;
        builder.Options.ServiceId = ServiceId;
        builder.Options.ClusterId = ClusterId;
        builder.Options.ConfigureFileLogging = false;
        builder.Options.ConnectionTransport = Transport;
        builder.Properties["OrleansRedis:Redis:State"] = RedisConnectionString;
        foreach (var (key, value) in TestMembership.Settings.Concat(Settings))
        {
            builder.Properties[key] = value;
        }

        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        ConfigureCluster(builder);
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        if (StartsSecondClient)
        {
            _secondClient = await StartClientAsync();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopSecondClientAsync();
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        await AfterClusterAsync();
        if (RedisConnection is not null)
        {
            await RedisConnection.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (_redisCluster is not null)
        {
            await _redisCluster.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Adds silo or client configurators and properties beyond the production wiring.</summary>
    protected virtual void ConfigureCluster(TestClusterBuilder builder)
    {
    }

    /// <summary>Starts what the silos need besides Redis (a database), before the cluster starts.</summary>
    protected virtual Task BeforeClusterAsync() => Task.CompletedTask;

    /// <summary>Stops what <see cref="BeforeClusterAsync"/> started, after the cluster stopped.</summary>
    protected virtual ValueTask AfterClusterAsync() => ValueTask.CompletedTask;

    private async Task StopSecondClientAsync()
    {
        if (_secondClient is not null)
        {
            await _secondClient.DisposeAsync();
            _secondClient = null;
        }
    }

    /// <summary>
    /// Wires each test silo the production way (the host's trace propagation included); the membership timings arrive
    /// through configuration.
    /// </summary>
    public sealed class SiloConfigurator : ISiloConfigurator
    {
        /// <inheritdoc />
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder.UseOrleansRedis().AddActivityPropagation();
    }

    /// <summary>Lets the cluster's own client find gateways through the Redis membership table.</summary>
    public sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        /// <inheritdoc />
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
            clientBuilder.UseRedisClustering(configuration["OrleansRedis:Redis:State"]!).AddActivityPropagation();
    }
}
