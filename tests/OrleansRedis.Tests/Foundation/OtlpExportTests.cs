using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OrleansRedis.Testing;

namespace OrleansRedis.Tests.Foundation;

/// <summary>
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> on the host: traces, metrics and logs reach an OTLP/HTTP receiver (a stand-in for
/// a collector that only records what it is sent), the traces carrying the project's spans.
/// </summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task OtlpEndpointSet_HostExportsTracesMetricsAndLogs_WithTheProjectsSpans()
    {
        var received = new ConcurrentDictionary<string, ConcurrentBag<byte[]>>();
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var receiver = builder.Build();
        receiver.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            received.GetOrAdd(signal, _ => []).Add(body.ToArray());
            return Results.Ok();
        });
        await receiver.StartAsync();

        await using var redis = await RedisServer.StartAsync();
        await using var silo = SiloProcess.Start(redis.ConnectionString, $"otlp-{Guid.NewGuid():N}", $"otlp-{Guid.NewGuid():N}", new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{port}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "orleansredis-otlp-test",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        });
        await silo.WaitReadyAsync();
        using var admitted = await silo.Http.PostAsync($"/ratelimit/demo/otlp-{Guid.NewGuid():N}", null);
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);

        // Protobuf carries span and service names as plain UTF-8, so the bytes show what was exported without a decoder.
        await Eventually.TrueAsync(
            () => Task.FromResult(Contains(received, "traces", "ratelimit.check") && Contains(received, "metrics", "orleansredis")
                && Contains(received, "logs", "orleansredis-otlp-test")),
            TimeSpan.FromSeconds(60), "traces with the rate-limit decision span, metrics and logs at the OTLP receiver");
        Assert.True(Contains(received, "traces", "orleansredis-otlp-test"), "the traces name the service");
    }

    private static bool Contains(ConcurrentDictionary<string, ConcurrentBag<byte[]>> received, string signal, string text) =>
        received.TryGetValue(signal, out var bodies)
        && bodies.Any(b => System.Text.Encoding.UTF8.GetString(b).Contains(text, StringComparison.Ordinal));
}
