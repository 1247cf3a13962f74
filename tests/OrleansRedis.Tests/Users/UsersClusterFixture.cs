using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.TestingHost;
using OrleansRedis.Abstractions.Users;
using OrleansRedis.Client.Hosting;
using OrleansRedis.Grains.Users;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Infrastructure;
using StackExchange.Redis;

namespace OrleansRedis.Tests.Users;

/// <summary>
/// A private Redis, a real database, a 2-silo test cluster wired the production way (with
/// <see cref="CountingUserRepository"/> around the real repository) and a second external client, so reads can come
/// from both silos and from two clients. Subclasses choose the database and the cache settings.
/// </summary>
public abstract class UsersClusterFixture : IAsyncLifetime
{
    private IHost? _secondClient;

    /// <summary>Gets the Redis server (State and Cache role).</summary>
    public RedisServer Redis { get; private set; } = null!;

    /// <summary>Gets a connection to <see cref="Redis"/> for assertions.</summary>
    public ConnectionMultiplexer RedisConnection { get; private set; } = null!;

    /// <summary>Gets the test cluster.</summary>
    public TestCluster Cluster { get; private set; } = null!;

    /// <summary>Gets a repository on the silos' database, for arranging rows behind the grains' back.</summary>
    public AdoUserRepository Database { get; private set; } = null!;

    /// <summary>Gets the cluster's external client.</summary>
    public IGrainFactory Client => Cluster.Client;

    /// <summary>Gets a second external client (its own process-level Orleans client host).</summary>
    public IGrainFactory SecondClient => _secondClient!.Services.GetRequiredService<IGrainFactory>();

    /// <summary>Gets the service id.</summary>
    public string ServiceId { get; } = $"users-{Guid.NewGuid():N}";

    /// <summary>Gets the cluster id.</summary>
    public string ClusterId { get; } = $"users-{Guid.NewGuid():N}";

    /// <summary>Gets the database operation timeout the silos use.</summary>
    public TimeSpan DatabaseTimeout { get; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets the database provider.</summary>
    protected abstract DatabaseProvider Provider { get; }

    /// <summary>Gets extra <c>OrleansRedis:*</c> settings for the silos.</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    /// <summary>Gets the grain factories of both clients and of every active silo: reads "from 2 silos and external clients".</summary>
    public IReadOnlyList<IGrainFactory> Readers() =>
        [Client, SecondClient, .. Cluster.GetActiveSilos().Select(s => Cluster.GetSiloServiceProvider(s.SiloAddress).GetRequiredService<IGrainFactory>())];

    /// <summary>Returns the Cache-Redis key of user <paramref name="id"/>.</summary>
    public static RedisKey CacheKey(string id) => $"or:user:{{{id}}}";

    /// <summary>Returns the version cached in Redis for <paramref name="id"/>, or null when there is no entry.</summary>
    public async Task<long?> CachedVersionAsync(string id)
    {
        var value = await RedisConnection.GetDatabase().HashGetAsync(CacheKey(id), "v");
        return value.HasValue ? (long)value : null;
    }

    /// <summary>Returns whether the Redis entry of <paramref name="id"/> carries a user (not a negative entry).</summary>
    public async Task<bool> CachedHasUserAsync(string id) => await RedisConnection.GetDatabase().HashExistsAsync(CacheKey(id), "d");

    /// <summary>Returns the total database queries the active silos counted in <see cref="UsersMetrics"/>.</summary>
    public long MeteredQueries() =>
        Cluster.GetActiveSilos().Sum(s => Cluster.GetSiloServiceProvider(s.SiloAddress).GetRequiredService<UsersMetrics>().DatabaseQueries);

    /// <summary>Deactivates the user grain of <paramref name="id"/> so the next read starts from an empty activation.</summary>
    public Task DeactivateAsync(string id) => Cluster.DeactivateAsync(Client.GetGrain<IUserGrain>(id));

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        RedisConnection = await Redis.ConnectAsync();
        var connectionString = await StartDatabaseAsync();
        Database = UsersServiceCollectionExtensions.CreateDatabaseRepository(new DatabaseOptions
        {
            Provider = Provider,
            ConnectionString = connectionString,
            OperationTimeout = DatabaseTimeout,
        });
        await Database.InitializeAsync(CancellationToken.None);

        var builder = new TestClusterBuilder(2);
        builder.Options.UseTestClusterMembership = false;
        builder.Options.ServiceId = ServiceId;
        builder.Options.ClusterId = ClusterId;
        builder.Options.ConfigureFileLogging = false;
        // Real sockets: the second client is a separate Orleans client that reaches the gateways over TCP.
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        builder.Properties["OrleansRedis:Redis:State"] = Redis.ConnectionString;
        builder.Properties["OrleansRedis:Database:Provider"] = Provider.ToString();
        builder.Properties["OrleansRedis:Database:ConnectionString"] = connectionString;
        builder.Properties["OrleansRedis:Database:OperationTimeout"] = DatabaseTimeout.ToString();
        foreach (var (key, value) in Settings)
        {
            builder.Properties[key] = value;
        }

        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<RedisClusterFixture.ClientConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        await StartSecondClientAsync();
    }

    /// <summary>Stops every silo, starts two new ones and reconnects both clients: a full cluster restart.</summary>
    public async Task RestartAllSilosAsync()
    {
        await StopSecondClientAsync();
        await Cluster.StopAllSilosAsync();
        await Cluster.StartAdditionalSilosAsync(2);
        await Cluster.InitializeClientAsync();
        await StartSecondClientAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopSecondClientAsync();
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        if (Database is IAsyncDisposable database)
        {
            await database.DisposeAsync();
        }

        if (RedisConnection is not null)
        {
            await RedisConnection.DisposeAsync();
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }

        await StopDatabaseAsync();
    }

    /// <summary>Starts the database and returns its connection string.</summary>
    protected abstract Task<string> StartDatabaseAsync();

    /// <summary>Stops the database and removes its files.</summary>
    protected abstract ValueTask StopDatabaseAsync();

    private async Task StartSecondClientAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddOrleansRedisClient(options =>
        {
            options.RedisState = Redis.ConnectionString;
            options.ClusterId = ClusterId;
            options.ServiceId = ServiceId;
        });
        _secondClient = builder.Build();
        await _secondClient.StartAsync();
    }

    private async Task StopSecondClientAsync()
    {
        if (_secondClient is not null)
        {
            await _secondClient.StopAsync();
            _secondClient.Dispose();
            _secondClient = null;
        }
    }

    /// <summary>The production wiring, the test membership timings, and the counting repository decorator.</summary>
    public sealed class SiloConfigurator : ISiloConfigurator
    {
        /// <inheritdoc />
        public void Configure(ISiloBuilder siloBuilder)
        {
            new RedisClusterFixture.SiloConfigurator().Configure(siloBuilder);
            siloBuilder.Services.AddSingleton<IUserRepository>(sp => new CountingUserRepository(new MeteredUserRepository(
                UsersServiceCollectionExtensions.CreateDatabaseRepository(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value),
                sp.GetRequiredService<UsersMetrics>())));
        }
    }
}
