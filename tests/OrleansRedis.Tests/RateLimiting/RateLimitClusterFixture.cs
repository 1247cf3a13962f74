using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.TestingHost;
using OrleansRedis.Client.Hosting;
using OrleansRedis.Grains.RateLimiting;
using OrleansRedis.Redis.RateLimiting;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Infrastructure;
using StackExchange.Redis;

namespace OrleansRedis.Tests.RateLimiting;

/// <summary>
/// <see cref="RedisClusterFixture"/> with the rate-limit test policies (<see cref="RateLimitTestPolicies"/>) and real
/// TCP between the silos and their clients, so that a second external client can join the way applications do
/// (<see cref="OrleansRedisClientServiceCollectionExtensions.AddOrleansRedisClient(IServiceCollection, Action{OrleansRedis.Client.OrleansRedisClientOptions})"/>).
/// </summary>
public sealed class RateLimitClusterFixture : IAsyncLifetime
{
    private IHost? _secondClient;

    /// <summary>Gets the Redis server holding membership, grain state and the windows.</summary>
    public RedisServer Redis { get; private set; } = null!;

    /// <summary>Gets an admin connection to <see cref="Redis"/> for inspecting keys and Redis's clock.</summary>
    public ConnectionMultiplexer Inspector { get; private set; } = null!;

    /// <summary>Gets the test cluster.</summary>
    public TestCluster Cluster { get; private set; } = null!;

    /// <summary>Gets the service id.</summary>
    public string ServiceId { get; } = $"rl-{Guid.NewGuid():N}";

    /// <summary>Gets the cluster id.</summary>
    public string ClusterId { get; } = $"rl-{Guid.NewGuid():N}";

    /// <summary>Gets the grain factory of the in-test client.</summary>
    public IGrainFactory Grains => Cluster.Client;

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        Inspector = await Redis.ConnectAsync();
        var builder = new TestClusterBuilder(2);
        builder.Options.UseTestClusterMembership = false;
        builder.Options.ServiceId = ServiceId;
        builder.Options.ClusterId = ClusterId;
        builder.Options.ConfigureFileLogging = false;
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        builder.Properties["OrleansRedis:Redis:State"] = Redis.ConnectionString;
        foreach (var (key, value) in RateLimitTestPolicies.Configuration)
        {
            builder.Properties[key] = value;
        }

        builder.AddSiloBuilderConfigurator<RedisClusterFixture.SiloConfigurator>();
        builder.AddClientBuilderConfigurator<RedisClusterFixture.ClientConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <summary>Gets a second external client, started on first use, that finds the gateways through Redis.</summary>
    public async Task<IGrainFactory> SecondClientAsync()
    {
        if (_secondClient is null)
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders();
            builder.Services.AddOrleansRedisClient(options =>
            {
                options.RedisState = Redis.ConnectionString;
                options.ClusterId = ClusterId;
                options.ServiceId = ServiceId;
            });
            var host = builder.Build();
            await host.StartAsync();
            _secondClient = host;
        }

        return _secondClient.Services.GetRequiredService<IGrainFactory>();
    }

    /// <summary>Gets a service of every active silo (grain factories and stores that call from inside the silos).</summary>
    public IReadOnlyList<T> FromEachSilo<T>()
        where T : notnull =>
        [.. Cluster.GetActiveSilos().Select(silo => Cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<T>())];

    /// <summary>Resolves a configured policy as the silos see it.</summary>
    public RateLimitPolicy Policy(string name) =>
        FromEachSilo<RateLimitPolicies>()[0].TryGet(name, out var policy) ? policy : throw new ArgumentException($"No test policy {name}.", nameof(name));

    /// <summary>Gets the Redis key of a subject's window under a policy.</summary>
    public RedisKey Key(string policy, string subject) =>
        FromEachSilo<RateLimitStore>()[0].KeyFor(Policy(policy).Name, subject, Policy(policy).Algorithm);

    /// <summary>Reads Redis's clock (TIME) in microseconds since the epoch.</summary>
    public async Task<long> RedisMicrosecondsAsync()
    {
        var reply = (RedisResult[])(await Inspector.GetDatabase().ExecuteAsync("TIME"))!;
        return (long.Parse(reply[0].ToString()) * 1_000_000) + long.Parse(reply[1].ToString());
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_secondClient is not null)
        {
            await _secondClient.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
            _secondClient.Dispose();
        }

        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        if (Inspector is not null)
        {
            await Inspector.DisposeAsync();
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
    }
}
