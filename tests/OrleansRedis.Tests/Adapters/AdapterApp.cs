using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansRedis.Client.Hosting;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Adapters;

/// <summary>
/// A real ASP.NET Core app (Kestrel on a free loopback port) that joins a test cluster as an external Orleans client
/// (<c>AddOrleansRedisClient</c>), with the services and endpoints a test gives it. Each browser is an
/// <see cref="HttpClient"/> with its own cookies.
/// </summary>
public sealed class AdapterApp : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);
    private readonly WebApplication _app;
    private readonly List<HttpClient> _browsers = [];

    private AdapterApp(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>Gets the app's base address.</summary>
    public Uri Address { get; }

    /// <summary>Gets the app's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts an app on <paramref name="fixture"/>'s cluster.</summary>
    public static async Task<AdapterApp> StartAsync(
        TestClusterFixture fixture, Action<IServiceCollection> services, Action<WebApplication> pipeline)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Services.AddOrleansRedisClient(options =>
        {
            options.RedisState = fixture.RedisConnectionString;
            options.ClusterId = fixture.ClusterId;
            options.ServiceId = fixture.ServiceId;
        });
        services(builder.Services);
        var app = builder.Build();
        pipeline(app);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new AdapterApp(app, new Uri(address));
    }

    /// <summary>Returns a new browser: an HTTP client of this app with a cookie jar of its own.</summary>
    public HttpClient Browser(CookieContainer? cookies = null)
    {
        var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), UseCookies = true })
        {
            BaseAddress = Address,
            Timeout = TimeSpan.FromSeconds(30),
        };
        _browsers.Add(browser);
        return browser;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _browsers.ForEach(b => b.Dispose());
        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await _app.StopAsync(timeout.Token);
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }
}
