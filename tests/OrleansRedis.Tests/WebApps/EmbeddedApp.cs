using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using OrleansRedis.AspNetCore.Endpoints;
using OrleansRedis.AspNetCore.Health;

namespace OrleansRedis.Tests.WebApps;

/// <summary>
/// An ASP.NET Core app of a team of its own that co-hosts a silo with two capabilities on localhost clustering and
/// maps the HTTP API behind its own authorization: the README's "Use it in your own ASP.NET Core app" code, between
/// the markers below, word for word (<see cref="EmbeddedAppTests.Readme_UseItInYourOwnApp_IsTheCodeTheseTestsRun"/>).
/// Around it, only what a test needs: ports, settings, the app's own token scheme and extra endpoints.
/// </summary>
public static class EmbeddedApp
{
    /// <summary>The admin key of the apps' <c>OrleansRedis:Admin:ApiKey</c>.</summary>
    public const string AdminKey = "embedded-app-admin-key";

    /// <summary>The limit of the policy <c>api</c> per 10 minutes.</summary>
    public const int Limit = 5;

    /// <summary>The middleware policy whose metrics the tests read (the OrleansRedis policy <c>api</c>).</summary>
    public const string MeteredPolicy = "metered";

    /// <summary>Starts one instance; <paramref name="primarySiloPort"/> is the silo port of the cluster's first one.</summary>
    public static async Task<WebApplication> StartAsync(string redis, int httpPort, int siloPort, int gatewayPort, int primarySiloPort)
    {
        // An empty content root: the test's output folder holds the silo host's appsettings.json.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = Directory.CreateTempSubdirectory("orleansredis-webapp-").FullName });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OrleansRedis:Redis:State"] = redis,
            ["OrleansRedis:RateLimits:Policies:api:Limit"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["OrleansRedis:RateLimits:Policies:api:Window"] = "00:10:00",
            ["OrleansRedis:Admin:ApiKey"] = AdminKey,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{httpPort}");
        builder.Services.PostConfigure<EndpointOptions>(o => (o.SiloPort, o.GatewayPort) = (siloPort, gatewayPort));
        builder.Services.PostConfigure<DevelopmentClusterMembershipOptions>(o => o.PrimarySiloEndpoint = new IPEndPoint(IPAddress.Loopback, primarySiloPort));
        builder.Services.AddAuthentication(CallerTokenHandler.SchemeName).AddScheme<AuthenticationSchemeOptions, CallerTokenHandler>(CallerTokenHandler.SchemeName, null);
        builder.Services.AddRateLimiter(o => o.AddOrleansRedisPolicy(MeteredPolicy, http => http.User.Identity?.Name ?? "anonymous", orleansRedisPolicy: "api"));

        // README: Use it in your own ASP.NET Core app (begin)
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering()                    // your clustering, storage and grains stay yours
            .AddActivityPropagation()                    // traces go on from the HTTP request into the grains
            .AddOrleansRedisLocks()
            .AddOrleansRedisRateLimiting());             // settings from OrleansRedis:* (Redis:State, RateLimits:Policies)
        builder.Services.AddOrleansRedisEndpoints(builder.Configuration);   // problem+json, OrleansRedis:Admin, the admin policy
        builder.Services.AddHealthChecks().AddOrleansRedis();
        builder.Services.AddAuthorization(o => o.AddPolicy("callers", p => p.RequireAuthenticatedUser()));
        builder.Services.AddRateLimiter(o => o.AddOrleansRedisPolicy("api", http => http.User.Identity?.Name ?? "anonymous"));

        var app = builder.Build();
        app.UseRateLimiter();
        app.MapOrleansRedisHealth();
        app.MapOrleansRedisEndpoints("/api").RequireAuthorization("callers");
        app.MapGet("/orders", () => "your own endpoint").RequireRateLimiting("api");
        // README: Use it in your own ASP.NET Core app (end)

        app.MapGet("/attributed", [EnableRateLimiting("api")] () => "limited by the attribute");
        app.MapGet("/metered", () => "metered").RequireRateLimiting(MeteredPolicy);
        await app.StartAsync();
        return app;
    }
}
