using System.Net;
using OrleansRedis.Testing;

namespace OrleansRedis.Tests.Foundation;

/// <summary><c>OrleansRedis:Dashboard:Enabled=false</c>: no dashboard page, the rest of the operations surface stays.</summary>
public sealed class DashboardSettingTests
{
    [Fact]
    public async Task DashboardDisabled_DashboardIsNotServed_MetricsAndGrainsAre()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var silo = SiloProcess.Start(redis.ConnectionString, $"dash-{Guid.NewGuid():N}", $"dash-{Guid.NewGuid():N}",
            new Dictionary<string, string> { ["OrleansRedis__Dashboard__Enabled"] = "false" });
        await silo.WaitReadyAsync();

        using var dashboard = await silo.Http.GetAsync("/dashboard/");
        using var metrics = await silo.Http.GetAsync("/metrics");
        using var admitted = await silo.Http.PostAsync($"/ratelimit/demo/dash-{Guid.NewGuid():N}", null);

        Assert.Equal(HttpStatusCode.NotFound, dashboard.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
    }
}
