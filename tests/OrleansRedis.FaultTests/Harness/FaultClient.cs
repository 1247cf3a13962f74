using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansRedis.Client.Hosting;

namespace OrleansRedis.FaultTests.Harness;

/// <summary>An Orleans client in the test process joined to a <see cref="FaultCluster"/> (straight to Redis, as applications do).</summary>
public sealed class FaultClient : IAsyncDisposable
{
    private readonly IHost _host;

    private FaultClient(IHost host) => _host = host;

    /// <summary>Gets the grain factory.</summary>
    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>Starts a client of <paramref name="cluster"/> whose calls time out after <paramref name="responseTimeout"/>.</summary>
    public static async Task<FaultClient> StartAsync(FaultCluster cluster, TimeSpan responseTimeout)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddOrleansRedisClient(o =>
        {
            o.RedisState = cluster.ClientRedis;
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
            o.ResponseTimeout = responseTimeout;
            o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(2);
        });
        var host = builder.Build();
        await host.StartAsync();
        return new FaultClient(host);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(5));
        _host.Dispose();
    }
}
