using Microsoft.AspNetCore.Builder;
using OrleansRedis.Testing;

namespace OrleansRedis.Tests.WebApps;

/// <summary>
/// A private <c>redis-server</c> and two instances of <see cref="EmbeddedApp"/> forming one cluster (localhost
/// clustering: the second joins the first), each with an <see cref="HttpClient"/> of its own.
/// </summary>
public sealed class EmbeddedAppFixture : IAsyncLifetime
{
    private readonly List<WebApplication> _apps = [];

    /// <summary>Gets the Redis server.</summary>
    public RedisServer Redis { get; private set; } = null!;

    /// <summary>Gets the first instance's client.</summary>
    public HttpClient First { get; private set; } = null!;

    /// <summary>Gets the second instance's client.</summary>
    public HttpClient Second { get; private set; } = null!;

    /// <summary>Gets the first instance's services.</summary>
    public IServiceProvider FirstServices => _apps[0].Services;

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        var primarySiloPort = FreePort.Next();
        var clients = new List<HttpClient>();
        foreach (var siloPort in new[] { primarySiloPort, FreePort.Next() })
        {
            var httpPort = FreePort.Next();
            _apps.Add(await EmbeddedApp.StartAsync(Redis.ConnectionString, httpPort, siloPort, FreePort.Next(), primarySiloPort));
            clients.Add(new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(60) });
        }

        (First, Second) = (clients[0], clients[1]);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        First?.Dispose();
        Second?.Dispose();
        foreach (var app in Enumerable.Reverse(_apps))
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await app.StopAsync(stop.Token);
            await app.DisposeAsync();
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
    }
}
