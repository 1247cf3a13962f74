using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Foundation;

namespace OrleansRedis.Tests.Users;

/// <summary>
/// PostgreSQL stopped under real silo processes: with stale serving on, a cached user answers 200 with
/// <c>X-Cache-Stale: true</c> and an uncached one 503; with it off, the cached user answers 503 too.
/// Two single-silo clusters (separate key prefixes) share one Redis and one PostgreSQL server.
/// </summary>
public sealed class UsersHttpOutageTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Get_DatabaseStopped_StaleOnServesMarkedCopy_StaleOffAndUncachedAnswer503_ThenRecover()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var postgres = await PostgresServer.StartAsync();
        var connectionString = await postgres.CreateDatabaseAsync("users");
        await using var staleOn = StartSilo(redis, connectionString, "on", serveStale: true);
        await using var staleOff = StartSilo(redis, connectionString, "off", serveStale: false);
        await Task.WhenAll(staleOn.WaitReadyAsync(), staleOff.WaitReadyAsync());
        var id = UserReads.NewId("http-outage");
        using var createdOn = await staleOn.Http.PostAsJsonAsync("/users", new { id, name = "Cached", email = "cached@example.com" });
        using var readOff = await staleOff.Http.GetAsync($"/users/{id}");  // cached by the second cluster too (from the database)
        var uncached = UserReads.NewId("http-outage-uncached");

        await postgres.StopAsync();
        HttpResponseMessage stale, offAnswer, uncachedAnswer;
        try
        {
            // The 2 s TTL passes, the copies expire, the database is gone.
            stale = await Eventually.SucceedsAsync(async () =>
            {
                var response = await staleOn.Http.GetAsync($"/users/{id}");
                return response.Headers.Contains("X-Cache-Stale") ? response : throw new InvalidOperationException($"not stale yet: {response.StatusCode}");
            }, Deadline, "the stale-on silo serves the expired copy");
            offAnswer = await Eventually.SucceedsAsync(async () =>
            {
                var response = await staleOff.Http.GetAsync($"/users/{id}");
                return response.StatusCode == HttpStatusCode.ServiceUnavailable ? response : throw new InvalidOperationException($"still {response.StatusCode}");
            }, Deadline, "the stale-off silo answers 503");
            uncachedAnswer = await staleOn.Http.GetAsync($"/users/{uncached}");
        }
        finally
        {
            await postgres.RestartAsync();
        }

        var recovered = await Eventually.SucceedsAsync(async () =>
        {
            var response = await staleOff.Http.GetAsync($"/users/{id}");
            return response.StatusCode == HttpStatusCode.OK && !response.Headers.Contains("X-Cache-Stale") ? response : throw new InvalidOperationException($"still {response.StatusCode}");
        }, Deadline, "reads recover when the database is back");

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK), (createdOn.StatusCode, readOff.StatusCode));
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Equal(["true"], stale.Headers.GetValues("X-Cache-Stale"));
        Assert.Equal(["memory"], stale.Headers.GetValues("X-Cache"));
        Assert.Equal("Cached", (await stale.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString());
        foreach (var unavailable in new[] { offAnswer, uncachedAnswer })
        {
            var problem = await ProblemAssert.IsAsync(unavailable, HttpStatusCode.ServiceUnavailable);
            Assert.Contains("database is unavailable", problem.GetProperty("detail").GetString());
        }

        Assert.Equal("Cached", (await recovered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString());
    }

    private static SiloProcess StartSilo(RedisServer redis, string connectionString, string name, bool serveStale) =>
        SiloProcess.Start(redis.ConnectionString, $"outage-{name}-{Guid.NewGuid():N}", $"outage-{name}-{Guid.NewGuid():N}", new Dictionary<string, string>
        {
            ["OrleansRedis__Redis__KeyPrefix"] = $"or{name}",
            ["OrleansRedis__Database__Provider"] = "Postgres",
            ["OrleansRedis__Database__ConnectionString"] = connectionString,
            // The production default: the first create and read on a fresh server, on a loaded machine, are not an
            // outage; the stopped server under test refuses connections at once.
            ["OrleansRedis__Database__OperationTimeout"] = "00:00:05",
            ["OrleansRedis__Users__CacheTtl"] = "00:00:02",
            ["OrleansRedis__Users__CacheTtlJitter"] = "00:00:00",
            ["OrleansRedis__Users__ServeStaleOnDatabaseFailure"] = serveStale.ToString(),
        });
}
