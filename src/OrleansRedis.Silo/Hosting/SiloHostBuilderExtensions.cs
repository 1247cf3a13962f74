using System.Net;
using Orleans.Configuration;
using Orleans.Dashboard;
using OrleansRedis.Grains.Hosting;
using OrleansRedis.AspNetCore.Endpoints;
using OrleansRedis.Silo.Options;

namespace OrleansRedis.Silo.Hosting;

/// <summary>Composes the host: the silo on Redis, the HTTP API and its operations surface.</summary>
public static class SiloHostBuilderExtensions
{
    /// <summary>The longest request line (method, path and query) that reaches the endpoints: 64 KiB.</summary>
    public const int MaxRequestLineBytes = 64 * 1024;

    /// <summary>The largest total of request headers that reaches the endpoints: 64 KiB.</summary>
    public const int MaxRequestHeadersBytes = 64 * 1024;

    /// <summary>Co-hosts an Orleans silo that forms its cluster and persists its grains through Redis.</summary>
    public static WebApplicationBuilder AddOrleansRedisSilo(this WebApplicationBuilder builder, SiloHostSettings settings)
    {
        var advertised = ResolveAdvertisedAddress(settings.Cluster.AdvertisedIp);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = settings.Cluster.ClusterId;
                options.ServiceId = settings.Cluster.ServiceId;
            });
            silo.ConfigureEndpoints(advertised, settings.Cluster.SiloPort, settings.Cluster.GatewayPort, listenOnAnyHostAddress: true);
            silo.UseOrleansRedis();
            silo.AddActivityPropagation();
            if (settings.Dashboard.Enabled)
            {
                silo.AddDashboard(options => options.CounterUpdateIntervalMs = (int)settings.Dashboard.CounterUpdateInterval.TotalMilliseconds);
            }
        });
        // The loader has already bound and validated the admin settings: register that value, not a second binding.
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.Admin));
        return builder;
    }

    /// <summary>Adds the HTTP surface: problem+json errors, health checks and OpenAPI.</summary>
    public static WebApplicationBuilder AddOrleansRedisHttp(this WebApplicationBuilder builder, SiloHostSettings settings)
    {
        builder.WebHost.UseUrls($"http://{settings.Http.Host}:{settings.Http.Port}");
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = settings.Http.MaxRequestBodyBytes;

            // Keys are at most a few hundred characters, but an over-long one must reach the endpoint's validation and
            // get a problem+json 400 naming the limit; Kestrel's own 414/431 (8 KB line, 32 KB headers) has no body.
            kestrel.Limits.MaxRequestLineSize = MaxRequestLineBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = MaxRequestHeadersBytes;
        });
        builder.Services.AddOrleansRedisEndpoints();

        // The live page moves to a peer silo when its own dies, so topics and rooms answer other origins too.
        builder.Services.AddCors();
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer<ApiDocumentTransformer>().AddOperationTransformer<ResponseHeaderTransformer>());
        builder.Services.AddHealthChecks().AddOrleansRedis();
        return builder;
    }

    private static IPAddress ResolveAdvertisedAddress(string value)
    {
        if (IPAddress.TryParse(value, out var address))
        {
            return address;
        }

        return Dns.GetHostAddresses(value).FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            ?? throw new InvalidOperationException($"OrleansRedis:Cluster:AdvertisedIp '{value}' resolves to no IPv4 address.");
    }
}
