using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansRedis.Client.Hosting;
using OrleansRedis.Testing;
using StackExchange.Redis;

namespace OrleansRedis.Bench.Harness;

/// <summary>
/// What every scenario runs against, started once per run: a private redis-server, two real silo processes joined
/// through it, an external Orleans client (the way applications call grains) and a direct StackExchange.Redis
/// connection for the baseline path.
/// </summary>
public sealed class BenchEnvironment : IAsyncDisposable
{
    private readonly List<SiloProcess> _silos = [];
    private IHost? _client;

    private BenchEnvironment(RedisServer redis, ConnectionMultiplexer direct)
    {
        Redis = redis;
        Direct = direct;
    }

    /// <summary>Gets the Redis server.</summary>
    public RedisServer Redis { get; }

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

    /// <summary>Starts Redis, <paramref name="silos"/> silo processes (with <paramref name="siloSettings"/>) and the client.</summary>
    public static async Task<BenchEnvironment> StartAsync(int silos, IReadOnlyDictionary<string, string>? siloSettings = null)
    {
        var redis = await RedisServer.StartAsync("--appendfsync", "everysec");
        var environment = new BenchEnvironment(redis, await redis.ConnectAsync());
        CpuMeter.Track("redis", redis.ProcessId);
        for (var i = 0; i < silos; i++)
        {
            var silo = SiloProcess.Start(redis.ConnectionString, environment.ClusterId, environment.ServiceId, siloSettings);
            CpuMeter.Track("silos", silo.ProcessId);
            environment._silos.Add(silo);
        }

        await Task.WhenAll(environment._silos.Select(s => s.WaitReadyAsync()));
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddOrleansRedisClient(options =>
        {
            options.RedisState = redis.ConnectionString;
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
        await Redis.DisposeAsync();
    }
}
