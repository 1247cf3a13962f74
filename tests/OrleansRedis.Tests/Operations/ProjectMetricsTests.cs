using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Operations;

/// <summary>After traffic to every capability, <c>/metrics</c> exposes the project's own counters next to Orleans'.</summary>
[Collection(SiloProcessCollection.Name)]
public sealed class ProjectMetricsTests(SiloProcessFixture fixture)
{
    [Fact]
    public async Task Metrics_AfterTrafficToEveryCapability_ExposeDecisionLockSessionAndUserCounters()
    {
        var http = fixture.Silos[0].Http;
        var id = Guid.NewGuid().ToString("N")[..16];
        using var decision = await http.PostAsync($"/ratelimit/demo/metrics-{id}", null);
        using var acquired = await http.PostAsJsonAsync($"/locks/metrics-{id}", new { owner = "metrics", leaseMs = 5000, waitMs = 0 });
        var token = (await acquired.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        using var released = await http.DeleteAsync($"/locks/metrics-{id}?token={Uri.EscapeDataString(token!)}");
        using var session = await http.PostAsJsonAsync("/sessions", new { userId = $"metrics-{id}", data = new { a = 1 } });
        using var user = await http.PostAsJsonAsync("/users", new { id = $"metrics-{id}", name = "Metrics", email = "metrics@example.com" });
        using var read = await http.GetAsync($"/users/metrics-{id}");
        using var published = await http.PostAsJsonAsync($"/topics/metrics-{id}/events", new { data = new { a = 1 } });

        var expected = new[]
        {
            "orleansredis_ratelimit_decisions_total", "orleansredis_locks_acquisitions_total", "orleansredis_locks_releases_total",
            "orleansredis_sessions_created_total", "orleansredis_users_reads_total", "orleansredis_users_database_queries_total",
            "orleansredis_realtime_published_total",
            "orleans_",
        };
        var text = await Eventually.SucceedsAsync(async () =>
        {
            // Each silo exports its own activations' counters, and a grain may live on either silo.
            var body = string.Concat(await Task.WhenAll(fixture.Silos.Select(silo => silo.Http.GetStringAsync("/metrics"))));
            var missing = expected.Where(name => !body.Contains(name, StringComparison.Ordinal)).ToList();
            return missing.Count == 0 ? body : throw new InvalidOperationException($"missing: {string.Join(", ", missing)}");
        }, TimeSpan.FromSeconds(30), "/metrics exposes every capability's counters");

        Assert.Equal(HttpStatusCode.OK, decision.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, released.StatusCode);
        Assert.Equal(HttpStatusCode.Created, session.StatusCode);
        Assert.Equal(HttpStatusCode.Created, user.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        Assert.Contains("policy=\"demo\"", text);
    }
}
