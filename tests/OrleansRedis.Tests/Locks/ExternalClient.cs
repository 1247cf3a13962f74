using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansRedis.Client.Hosting;
using OrleansRedis.Client.Locks;

namespace OrleansRedis.Tests.Locks;

/// <summary>An external Orleans client (the way client apps connect) with the lock helper, for a cluster found through Redis.</summary>
public sealed class ExternalClient : IAsyncDisposable
{
    private readonly IHost _host;

    private ExternalClient(IHost host) => _host = host;

    /// <summary>Gets the client's grain factory.</summary>
    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>Gets the client's lock helper.</summary>
    public LockClient Locks => _host.Services.GetRequiredService<LockClient>();

    /// <summary>Starts a client of the cluster <paramref name="clusterId"/>/<paramref name="serviceId"/> in <paramref name="redis"/>.</summary>
    public static async Task<ExternalClient> StartAsync(string redis, string clusterId, string serviceId, Action<LockClientOptions>? locks = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddOrleansRedisClient(options =>
        {
            options.RedisState = redis;
            options.ClusterId = clusterId;
            options.ServiceId = serviceId;
        });
        builder.Services.AddOrleansRedisLockClient(configure: locks);
        var host = builder.Build();
        await host.StartAsync();
        return new ExternalClient(host);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
