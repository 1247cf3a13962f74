using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.TestingHost;
using OrleansRedis.Abstractions.Users;
using OrleansRedis.Grains.Users;
using OrleansRedis.Tests.Infrastructure;
using StackExchange.Redis;

namespace OrleansRedis.Tests.Users;

/// <summary>
/// The test cluster over a real database (with <see cref="CountingUserRepository"/> around the real repository) and a
/// second external client, so reads can come from both silos and from two clients. Subclasses choose the database and
/// the cache settings.
/// </summary>
public abstract class UsersClusterFixture() : TestClusterFixture("users")
{
    private readonly Dictionary<string, string> _databaseSettings = [];

    /// <summary>Gets a repository on the silos' database, for arranging rows behind the grains' back.</summary>
    public AdoUserRepository Database { get; private set; } = null!;

    /// <summary>Gets the cluster's external client.</summary>
    public IGrainFactory Client => Cluster.Client;

    /// <summary>
    /// Gets the database operation timeout the silos use: the production default, so that a query on a machine busy
    /// with other processes is not mistaken for an outage (the outage tests stop the database, which fails at once).
    /// </summary>
    public TimeSpan DatabaseTimeout { get; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets the timeout of <see cref="Database"/>, the test's own repository: creating the schema on a freshly started
    /// server and arranging rows are not under test, and a loaded machine may take seconds for them.
    /// </summary>
    public TimeSpan ArrangeTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets the database provider.</summary>
    protected abstract DatabaseProvider Provider { get; }

    /// <inheritdoc />
    protected override bool StartsSecondClient => true;

    /// <summary>Gets the grain factories of both clients and of every active silo: reads "from 2 silos and external clients".</summary>
    public IReadOnlyList<IGrainFactory> Readers() => [Client, SecondClient, .. FromEachSilo<IGrainFactory>()];

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
    public long MeteredQueries() => FromEachSilo<UsersMetrics>().Sum(metrics => metrics.DatabaseQueries);

    /// <summary>Deactivates the user grain of <paramref name="id"/> so the next read starts from an empty activation.</summary>
    public Task DeactivateAsync(string id) => Cluster.DeactivateAsync(Client.GetGrain<IUserGrain>(id));

    /// <inheritdoc />
    protected override async Task BeforeClusterAsync()
    {
        var connectionString = await StartDatabaseAsync();
        Database = UsersServiceCollectionExtensions.CreateDatabaseRepository(new DatabaseOptions
        {
            Provider = Provider,
            ConnectionString = connectionString,
            OperationTimeout = ArrangeTimeout,
        });
        await Database.InitializeAsync(CancellationToken.None);
        _databaseSettings["OrleansRedis:Database:Provider"] = Provider.ToString();
        _databaseSettings["OrleansRedis:Database:ConnectionString"] = connectionString;
        _databaseSettings["OrleansRedis:Database:OperationTimeout"] = DatabaseTimeout.ToString();
    }

    /// <inheritdoc />
    protected override void ConfigureCluster(TestClusterBuilder builder)
    {
        foreach (var (key, value) in _databaseSettings)
        {
            builder.Properties[key] = value;
        }

        builder.AddSiloBuilderConfigurator<CountingRepositoryConfigurator>();
    }

    /// <inheritdoc />
    protected override async ValueTask AfterClusterAsync()
    {
        if (Database is IAsyncDisposable database)
        {
            await database.DisposeAsync();
        }

        await StopDatabaseAsync();
    }

    /// <summary>Starts the database and returns its connection string.</summary>
    protected abstract Task<string> StartDatabaseAsync();

    /// <summary>Stops the database and removes its files.</summary>
    protected abstract ValueTask StopDatabaseAsync();

    /// <summary>Puts the counting repository decorator around the real repository (after the production wiring).</summary>
    public sealed class CountingRepositoryConfigurator : ISiloConfigurator
    {
        /// <inheritdoc />
        public void Configure(ISiloBuilder siloBuilder) =>
            siloBuilder.Services.AddSingleton<IUserRepository>(sp => new CountingUserRepository(new MeteredUserRepository(
                UsersServiceCollectionExtensions.CreateDatabaseRepository(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value),
                sp.GetRequiredService<UsersMetrics>())));
    }
}
