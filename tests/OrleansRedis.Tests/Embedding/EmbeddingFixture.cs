using Orleans.TestingHost;
using OrleansRedis.Testing;

namespace OrleansRedis.Tests.Embedding;

/// <summary>A private <c>redis-server</c> and a one-silo test cluster wired by <see cref="EmbeddingSiloConfigurator"/>.</summary>
public sealed class EmbeddingFixture : IAsyncLifetime
{
    private string _databaseDirectory = string.Empty;

    /// <summary>Gets the Redis server the project's capabilities use through the host's multiplexers.</summary>
    public RedisServer Redis { get; private set; } = null!;

    /// <summary>Gets the test cluster.</summary>
    public TestCluster Cluster { get; private set; } = null!;

    /// <summary>Gets the cluster's service id (the prefix of Orleans' keys).</summary>
    public string ServiceId { get; } = $"embed-{Guid.NewGuid():N}";

    /// <summary>Gets the cluster id.</summary>
    public string ClusterId { get; } = $"embed-{Guid.NewGuid():N}";

    /// <summary>Gets the silo's services.</summary>
    public IServiceProvider Silo => Cluster.GetSiloServiceProvider(Cluster.GetActiveSilos().Single().SiloAddress);

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        _databaseDirectory = Directory.CreateTempSubdirectory("orleansredis-embed-").FullName;
        var builder = new TestClusterBuilder(1);
        builder.Options.ServiceId = ServiceId;
        builder.Options.ClusterId = ClusterId;
        builder.Options.ConfigureFileLogging = false;
        builder.Properties[EmbeddingSiloConfigurator.RedisKey] = Redis.ConnectionString;
        builder.Properties[EmbeddingSiloConfigurator.DatabaseKey] = Path.Combine(_databaseDirectory, "users.db");
        builder.AddSiloBuilderConfigurator<EmbeddingSiloConfigurator>();
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

        if (_databaseDirectory.Length > 0)
        {
            try
            {
                Directory.Delete(_databaseDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless; never fail a run over it.
            }
        }
    }
}
