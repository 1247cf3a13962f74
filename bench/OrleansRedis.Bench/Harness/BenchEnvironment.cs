using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansRedis.Client.Hosting;
using OrleansRedis.Testing;
using StackExchange.Redis;

namespace OrleansRedis.Bench.Harness;

/// <summary>
/// What every scenario runs against, started once per run: a private redis-server (or, with <c>--redis-cluster</c>, a
/// Redis Cluster of three masters and three replicas), two real silo processes joined through it, an external Orleans
/// client (the way applications call grains) and a direct StackExchange.Redis connection for the baseline path.
/// </summary>
public sealed class BenchEnvironment : IAsyncDisposable
{
    private readonly List<SiloProcess> _silos = [];
    private readonly RedisServer? _redis;
    private IHost? _client;

    private BenchEnvironment(RedisServer? redis, RedisCluster? cluster, ConnectionMultiplexer direct)
    {
        _redis = redis;
        Cluster = cluster;
        Direct = direct;
        RedisConnectionString = cluster?.ConnectionString ?? redis!.ConnectionString;
    }

    /// <summary>Gets the Redis server; scenarios that need one server (kill and restart it) do not run on a cluster.</summary>
    public RedisServer Redis => _redis ?? throw new InvalidOperationException("This scenario needs a single Redis server; it does not run with --redis-cluster.");

    /// <summary>Gets the Redis Cluster the run uses, or <see langword="null"/> on a single Redis.</summary>
    public RedisCluster? Cluster { get; }

    /// <summary>Gets the connection string of the State Redis: the server, or every node of the cluster.</summary>
    public string RedisConnectionString { get; }

    /// <summary>Gets a server to ask for its version and to run <c>redis-cli</c> against.</summary>
    public RedisServer AnyNode => _redis ?? Cluster!.Nodes[0];

    /// <summary>Gets a direct connection to the same Redis, for the baseline path.</summary>
    public ConnectionMultiplexer Direct { get; }

    /// <summary>Gets the silo processes.</summary>
    public IReadOnlyList<SiloProcess> Silos => _silos;

    /// <summary>Gets the external client's grain factory.</summary>
    public IGrainFactory Grains => _client!.Services.GetRequiredService<IGrainFactory>();

    /// <summary>Gets the cluster id.</summary>
    public string ClusterId { get; } = $"bench-{Guid.NewGuid():N}";

    /// <summary>Gets the service id.</summary>
    public string ServiceId { get; } = $"bench-{Guid.NewGuid():N}";

    /// <summary>
    /// Starts Redis (a cluster when <paramref name="redisCluster"/>), <paramref name="silos"/> silo processes (with
    /// <paramref name="siloSettings"/>) and the client.
    /// </summary>
    public static async Task<BenchEnvironment> StartAsync(int silos, IReadOnlyDictionary<string, string>? siloSettings = null, bool redisCluster = false)
    {
        BenchEnvironment environment;
        if (redisCluster)
        {
            // A long node timeout: a node stalled for seconds on a loaded machine must not be failed over mid-run.
            var cluster = await RedisCluster.StartAsync(TimeSpan.FromSeconds(30), "--appendfsync", "everysec");
            environment = new BenchEnvironment(null, cluster, await cluster.ConnectAsync());
            foreach (var node in cluster.Nodes)
            {
                CpuMeter.Track("redis", node.ProcessId);
            }
        }
        else
        {
            var redis = await RedisServer.StartAsync("--appendfsync", "everysec");
            environment = new BenchEnvironment(redis, null, await redis.ConnectAsync());
            CpuMeter.Track("redis", redis.ProcessId);
        }

        // The silos run as a busy production silo would: without the Orleans dashboard, whose per-call filter and
        // periodic directory walk cost every silo CPU (docs/operations.md, "Dashboard"); /metrics stays.
        var settings = new Dictionary<string, string>(siloSettings ?? new Dictionary<string, string>())
        {
            ["OrleansRedis__Dashboard__Enabled"] = "false",
        };
        for (var i = 0; i < silos; i++)
        {
            var silo = SiloProcess.Start(environment.RedisConnectionString, environment.ClusterId, environment.ServiceId, settings);
            CpuMeter.Track("silos", silo.ProcessId);
            environment._silos.Add(silo);
        }

        await Task.WhenAll(environment._silos.Select(s => s.WaitReadyAsync()));
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddOrleansRedisClient(options =>
        {
            options.RedisState = environment.RedisConnectionString;
            options.ClusterId = environment.ClusterId;
            options.ServiceId = environment.ServiceId;
        });
        environment._client = builder.Build();
        await environment._client.StartAsync();
        return environment;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.StopAsync();
            _client.Dispose();
        }

        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        await Direct.DisposeAsync();
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
