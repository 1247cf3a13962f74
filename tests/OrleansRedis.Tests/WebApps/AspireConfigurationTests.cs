using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansRedis.Abstractions.Locks;
using OrleansRedis.Abstractions.Queues;
using OrleansRedis.Abstractions.Realtime;
using OrleansRedis.Redis;
using OrleansRedis.Redis.Hosting;
using OrleansRedis.Testing;
using StackExchange.Redis;

namespace OrleansRedis.Tests.WebApps;

/// <summary>
/// A silo configured the way Aspire configures one: the <c>Orleans:*</c> keys of Aspire's Orleans integration
/// (clustering and grain storage on Redis through a service key), the keyed multiplexer of Aspire's Redis client
/// (<c>AddKeyedRedisClient</c>), and the capabilities added with no <c>OrleansRedis:Redis</c> setting at all.
/// </summary>
public sealed class AspireConfigurationTests(AspireConfigurationTests.AspireHostFixture fixture) : IClassFixture<AspireConfigurationTests.AspireHostFixture>
{
    private const string ResourceName = "redis";

    [Fact]
    public void Connections_NoOrleansRedisSetting_UseAspiresKeyedMultiplexerThatOrleansClusteringNames()
    {
        var options = fixture.Services.GetRequiredService<IOptions<RedisOptions>>().Value;

        var state = fixture.Services.GetRequiredService<RedisConnections>().State;

        Assert.Equal(ResourceName, options.StateServiceKey);
        Assert.Same(fixture.Services.GetRequiredKeyedService<IConnectionMultiplexer>(ResourceName), state);
    }

    [Fact]
    public async Task Clustering_FromOrleansConfiguration_MembershipTableInRedisUnderAspiresIds()
    {
        var cluster = fixture.Services.GetRequiredService<IOptions<ClusterOptions>>().Value;
        await using var redis = await fixture.Redis.ConnectAsync();

        var membership = await redis.GetDatabase().KeyExistsAsync($"{fixture.ServiceId}/members/{fixture.ClusterId}");

        Assert.Equal((fixture.ClusterId, fixture.ServiceId), (cluster.ClusterId, cluster.ServiceId));
        Assert.True(membership);
    }

    [Fact]
    public async Task Capabilities_LocksQueuesAndTopics_WorkThroughAspiresMultiplexer()
    {
        var grains = fixture.Services.GetRequiredService<IGrainFactory>();
        var suffix = Guid.NewGuid().ToString("N");

        var acquired = await grains.GetGrain<ILockGrain>($"aspire-{suffix}").AcquireAsync("aspire", TimeSpan.FromMinutes(1), TimeSpan.Zero);
        var job = await grains.GetGrain<IQueueGrain>("emails").EnqueueAsync(new JobSpec("""{"to":"ada@example.com"}"""));
        var eventId = await grains.GetGrain<ITopicGrain>($"room:aspire-{suffix}").PublishAsync("chat", """{"text":"hi"}""");
        var clients = await fixture.Redis.RunCliAsync("client", "list");

        Assert.True(acquired.Acquired);
        Assert.False(string.IsNullOrEmpty(job.JobId));
        Assert.False(string.IsNullOrEmpty(eventId));
        // Only Aspire's connection (and Orleans' clustering through it): OrleansRedis opened none of its own.
        Assert.DoesNotContain("name=orleansredis-state", clients);
    }

    /// <summary>A private Redis and one silo host configured by <c>Orleans:*</c> keys and Aspire's Redis client.</summary>
    public sealed class AspireHostFixture : IAsyncLifetime
    {
        private IHost? _host;

        /// <summary>Gets the Redis server (Aspire's <c>redis</c> resource).</summary>
        public RedisServer Redis { get; private set; } = null!;

        /// <summary>Gets the cluster id Aspire would inject.</summary>
        public string ClusterId { get; } = $"aspire-{Guid.NewGuid():N}";

        /// <summary>Gets the service id Aspire would inject.</summary>
        public string ServiceId { get; } = $"aspire-{Guid.NewGuid():N}";

        /// <summary>Gets the host's services.</summary>
        public IServiceProvider Services => _host!.Services;

        /// <inheritdoc />
        public async ValueTask InitializeAsync()
        {
            Redis = await RedisServer.StartAsync();
            var (siloPort, gatewayPort) = (FreePort.Next(), FreePort.Next());
            // An empty content root: the test's output folder holds the silo host's appsettings.json.
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = Directory.CreateTempSubdirectory("orleansredis-aspire-").FullName });
            builder.Logging.ClearProviders();

            // What Aspire's AppHost injects: AddOrleans("cluster").WithClustering(redis).WithGrainStorage("orleansredis", redis).
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"ConnectionStrings:{ResourceName}"] = Redis.ConnectionString,
                ["Orleans:ClusterId"] = ClusterId,
                ["Orleans:ServiceId"] = ServiceId,
                ["Orleans:Clustering:ProviderType"] = "Redis",
                ["Orleans:Clustering:ServiceKey"] = ResourceName,
                ["Orleans:GrainStorage:orleansredis:ProviderType"] = "Redis",
                ["Orleans:GrainStorage:orleansredis:ServiceKey"] = ResourceName,
                ["Orleans:Endpoints:SiloPort"] = siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Orleans:Endpoints:GatewayPort"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["OrleansRedis:Queues:Definitions:emails:Partitions"] = "1",
            });
            builder.AddKeyedRedisClient(ResourceName);
            builder.Services.PostConfigure<EndpointOptions>(o => (o.SiloPort, o.GatewayPort, o.AdvertisedIPAddress) = (siloPort, gatewayPort, System.Net.IPAddress.Loopback));
            builder.UseOrleans(silo => silo
                .AddOrleansRedisLocks()
                .AddOrleansRedisQueues()
                .AddOrleansRedisRealtime());
            _host = builder.Build();
            await _host.StartAsync();
        }

        /// <inheritdoc />
        public async ValueTask DisposeAsync()
        {
            if (_host is not null)
            {
                using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                await _host.StopAsync(stop.Token);
                _host.Dispose();
            }

            if (Redis is not null)
            {
                await Redis.DisposeAsync();
            }
        }
    }
}

/// <summary>Which multiplexer the State role takes from <c>Orleans:*</c> configuration as Aspire writes it.</summary>
public sealed class OrleansServiceKeyTests
{
    [Theory]
    [InlineData(null, "Redis", "redis")]
    [InlineData("localhost:6379", "Redis", null)]
    public void RedisOptions_OrleansClusteringOnRedis_StateServiceKeyFromIt_UnlessStateIsConfigured(string? state, string provider, string? expected)
    {
        using var built = Connections(new()
        {
            ["OrleansRedis:Redis:State"] = state,
            ["Orleans:Clustering:ProviderType"] = provider,
            ["Orleans:Clustering:ServiceKey"] = "redis",
        });

        var options = built.GetRequiredService<IOptions<RedisOptions>>().Value;

        Assert.Equal(expected, options.StateServiceKey);
    }

    [Fact]
    public void RedisOptions_OrleansClusteringNotOnRedis_StateStillRequired()
    {
        using var built = Connections(new()
        {
            ["Orleans:Clustering:ProviderType"] = "AzureStorage",
            ["Orleans:Clustering:ServiceKey"] = "redis",
        });

        var exception = Assert.Throws<OptionsValidationException>(() => built.GetRequiredService<IOptions<RedisOptions>>().Value);

        Assert.Contains("OrleansRedis:Redis:State is required", exception.Message);
    }

    private static ServiceProvider Connections(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddOrleansRedisConnections(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();
}
