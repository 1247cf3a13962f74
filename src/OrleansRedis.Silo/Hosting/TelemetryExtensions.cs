using OpenTelemetry.Metrics;

namespace OrleansRedis.Silo.Hosting;

/// <summary>OpenTelemetry metrics: Orleans' meter, ASP.NET Core's, the runtime's and the project's own.</summary>
public static class TelemetryExtensions
{
    /// <summary>
    /// The project's meters all start with this name (e.g. <c>OrleansRedis.RateLimiting</c>); one wildcard collects
    /// every capability's meter without this file knowing about it.
    /// </summary>
    public const string ProjectMeters = "OrleansRedis.*";

    /// <summary>Collects metrics and serves them in Prometheus text format (see <see cref="MapMetrics"/>).</summary>
    public static WebApplicationBuilder AddOrleansRedisTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter("Microsoft.Orleans")
            .AddMeter(ProjectMeters)
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter());
        return builder;
    }

    /// <summary>Serves <c>GET /metrics</c> for Prometheus to scrape.</summary>
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
        return endpoints;
    }
}
