using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansRedis.Client.Hosting;

namespace OrleansRedis.Tests.Infrastructure;

/// <summary>
/// An external Orleans client host, started the way client applications start one
/// (<see cref="OrleansRedisClientServiceCollectionExtensions.AddOrleansRedisClient(IServiceCollection, Action{OrleansRedis.Client.OrleansRedisClientOptions})"/>),
/// that finds a cluster's gateways in its Redis. The one way tests start a client of their own.
/// </summary>
public sealed class ExternalClient : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);
    private readonly IHost _host;

    private ExternalClient(IHost host) => _host = host;

    /// <summary>Gets the client's services (the lock helper, the near cache, ... when <c>services</c> added them).</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>Gets the client's grain factory.</summary>
    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>
    /// Starts a client of cluster <paramref name="clusterId"/>/<paramref name="serviceId"/> whose membership is in
    /// <paramref name="redis"/>; <paramref name="services"/> adds to the client's services before it starts.
    /// </summary>
    public static async Task<ExternalClient> StartAsync(string redis, string clusterId, string serviceId, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        services?.Invoke(builder.Services);
        builder.Services.AddOrleansRedisClient(options =>
        {
            options.RedisState = redis;
            options.ClusterId = clusterId;
            options.ServiceId = serviceId;
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new ExternalClient(host);
    }

    /// <summary>Stops the client (bounded, so a cluster that is gone cannot hold a test's teardown).</summary>
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await _host.StopAsync(timeout.Token);
        }
        finally
        {
            _host.Dispose();
        }
    }
}
