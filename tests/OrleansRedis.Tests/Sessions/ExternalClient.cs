using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansRedis.Client.Hosting;

namespace OrleansRedis.Tests.Sessions;

/// <summary>An external Orleans client, as an application would run one, joined to a cluster of silo processes.</summary>
internal sealed class ExternalClient : IAsyncDisposable
{
    private readonly IHost _host;

    private ExternalClient(IHost host) => _host = host;

    /// <summary>Gets the client's grain factory.</summary>
    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>Starts a client that finds the cluster's gateways in <paramref name="redis"/>.</summary>
    public static async Task<ExternalClient> StartAsync(string redis, string clusterId, string serviceId)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddOrleansRedisClient(options =>
        {
            options.RedisState = redis;
            options.ClusterId = clusterId;
            options.ServiceId = serviceId;
        });
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
