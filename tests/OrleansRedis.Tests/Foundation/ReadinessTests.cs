using System.Diagnostics;
using System.Net;
using System.Text.Json;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Foundation;

/// <summary>Readiness follows Redis: 503 with a reason while it is down (never a hang), 200 once it is back.</summary>
public sealed class ReadinessTests
{
    [Fact]
    public async Task HealthReady_RedisDownThenBack_503WithReasonThen200WithoutSiloRestart()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var silo = SiloProcess.Start(redis.ConnectionString, $"ready-{Guid.NewGuid():N}", $"ready-{Guid.NewGuid():N}");
        await silo.WaitReadyAsync();

        await redis.KillAsync();
        await Eventually.TrueAsync(async () =>
        {
            using var response = await silo.Http.GetAsync("/health/ready");
            return response.StatusCode == HttpStatusCode.ServiceUnavailable;
        }, TimeSpan.FromSeconds(30), "readiness reports the Redis outage");
        var timer = Stopwatch.StartNew();
        using var down = await silo.Http.GetAsync("/health/ready");
        var elapsed = timer.Elapsed;
        using var body = JsonDocument.Parse(await down.Content.ReadAsStringAsync());

        await redis.RestartAsync();
        await silo.WaitReadyAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal("Unhealthy", body.RootElement.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
        Assert.Contains("Redis is unreachable", body.RootElement.GetProperty("checks").GetProperty("redis").GetProperty("description").GetString());
        Assert.True(elapsed < TimeSpan.FromSeconds(10), $"readiness took {elapsed} to answer while Redis was down");
        Assert.False(silo.HasExited);
    }
}
