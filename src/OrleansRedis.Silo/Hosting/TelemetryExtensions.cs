using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace OrleansRedis.Silo.Hosting;

/// <summary>
/// OpenTelemetry: metrics (Orleans' meter, ASP.NET Core's, the runtime's and the project's own) served to Prometheus,
/// and, when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (as Aspire's service defaults do), traces (ASP.NET Core, Orleans'
/// grain calls, the project's sources) with OTLP export of traces, metrics and logs.
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>The environment variable (or configuration key) that turns OTLP export on.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Collects metrics and serves them in Prometheus text format (see <see cref="MapMetrics"/>), and traces for OTLP.</summary>
    public static WebApplicationBuilder AddOrleansRedisTelemetry(this WebApplicationBuilder builder)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddMeter("Microsoft.Orleans")
                .AddOrleansRedisInstrumentation()
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());
        if (!string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointKey]))
        {
            // Traces, metrics and logs to the collector (the Aspire dashboard, an OpenTelemetry collector). Traces only
            // then: with no exporter a tracer provider would still record a span for every grain call and script.
            builder.Logging.AddOpenTelemetry(logging => (logging.IncludeFormattedMessage, logging.IncludeScopes) = (true, true));
            telemetry.WithTracing(tracing => tracing
                .AddSource("Microsoft.Orleans.Runtime")
                .AddSource("Microsoft.Orleans.Application")
                .AddOrleansRedisInstrumentation()
                .AddAspNetCoreInstrumentation());
            telemetry.UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>Serves <c>GET /metrics</c> for Prometheus to scrape.</summary>
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
        return endpoints;
    }
}
