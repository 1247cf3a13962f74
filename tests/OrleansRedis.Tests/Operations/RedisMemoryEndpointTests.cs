using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Foundation;

namespace OrleansRedis.Tests.Operations;

/// <summary>The memory report and the maxmemory guard, against real State and Cache Redis servers.</summary>
public sealed class RedisMemoryEndpointTests(OperationsFixture fixture) : IClassFixture<OperationsFixture>
{
    [Fact]
    public async Task Memory_StateOnAllkeysLru_ReportsCriticalWarning()
    {
        await fixture.State.RunCliAsync("config", "set", "maxmemory-policy", "allkeys-lru");
        try
        {
            var reports = await fixture.Silo.Http.GetFromJsonAsync<JsonElement>("/admin/redis/memory");
            var state = reports.EnumerateArray().Single(r => r.GetProperty("role").GetString() == "state");

            Assert.Equal("allkeys-lru", state.GetProperty("maxMemoryPolicy").GetString());
            Assert.Contains(state.GetProperty("warnings").EnumerateArray(), w =>
                w.GetProperty("code").GetString() == "state-evicting-policy" && w.GetProperty("severity").GetString() == "critical");
        }
        finally
        {
            await fixture.State.RunCliAsync("config", "set", "maxmemory-policy", "noeviction");
        }
    }

    [Fact]
    public async Task Memory_BothRoles_ReportPersistenceAndNoWarningsWhenHealthy()
    {
        var reports = await fixture.Silo.Http.GetFromJsonAsync<JsonElement>("/admin/redis/memory");
        var state = reports.EnumerateArray().Single(r => r.GetProperty("role").GetString() == "state");
        var cache = reports.EnumerateArray().Single(r => r.GetProperty("role").GetString() == "cache");

        Assert.True(state.GetProperty("aofEnabled").GetBoolean());
        Assert.Equal("everysec", state.GetProperty("appendFsync").GetString());
        Assert.Empty(state.GetProperty("warnings").EnumerateArray());
        Assert.Equal("allkeys-lru", cache.GetProperty("maxMemoryPolicy").GetString());
        Assert.Equal(64L * 1024 * 1024, cache.GetProperty("maxMemoryBytes").GetInt64());
        Assert.True(state.GetProperty("usedMemoryBytes").GetInt64() > 0);
    }

    [Fact]
    public async Task MaxMemory_VolatileLruOnState_Refused409AndPolicyUnchanged()
    {
        using var response = await fixture.Silo.Http.PutAsJsonAsync("/admin/redis/maxmemory", new { role = "state", policy = "volatile-lru" });
        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.Conflict);

        Assert.Contains("noeviction", problem.GetProperty("detail").GetString());
        Assert.Contains("noeviction", await fixture.State.RunCliAsync("config", "get", "maxmemory-policy"));
    }

    [Fact]
    public async Task MaxMemory_VolatileLruOnCache_AppliedAsConfigGetShows()
    {
        try
        {
            using var response = await fixture.Silo.Http.PutAsJsonAsync("/admin/redis/maxmemory", new { role = "cache", policy = "volatile-lru", maxMemory = "32mb" });

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("volatile-lru", await fixture.Cache.RunCliAsync("config", "get", "maxmemory-policy"));
            Assert.Contains((32 * 1024 * 1024).ToString(), await fixture.Cache.RunCliAsync("config", "get", "maxmemory"));
        }
        finally
        {
            await fixture.Cache.RunCliAsync("config", "set", "maxmemory-policy", "allkeys-lru");
            await fixture.Cache.RunCliAsync("config", "set", "maxmemory", "64mb");
        }
    }

    [Fact]
    public async Task MaxMemory_EvictingOnStateWithForce_Applied()
    {
        try
        {
            using var response = await fixture.Silo.Http.PutAsJsonAsync("/admin/redis/maxmemory", new { role = "state", policy = "volatile-ttl", force = true });

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("volatile-ttl", await fixture.State.RunCliAsync("config", "get", "maxmemory-policy"));
        }
        finally
        {
            await fixture.State.RunCliAsync("config", "set", "maxmemory-policy", "noeviction");
        }
    }

    [Theory]
    [InlineData("{\"role\":\"state\"}", "maxMemory")]
    [InlineData("{\"role\":\"state\"}", "policy")]
    [InlineData("{\"role\":\"nosuch\",\"policy\":\"noeviction\"}", "role")]
    [InlineData("{\"role\":\"cache\",\"policy\":\"lru-please\"}", "policy")]
    [InlineData("{\"role\":\"cache\",\"maxMemory\":\"12 parsecs\"}", "maxMemory")]
    [InlineData("{\"role\":\"cache\",\"maxMemory\":\"12 parsecs\",\"policy\":\"noeviction\"}", "maxMemory")]
    [InlineData("{\"role\":\"cache\",\"maxMemory\":\"1gb\",\"policy\":\"lru-please\"}", "policy")]
    [InlineData("{\"role\":\"cache\",\"force\":\"yes\"}", "body")]
    [InlineData("{\"role\":\"1\",\"policy\":\"noeviction\"}", "role")]
    public async Task MaxMemory_BadRequest_400ProblemAndNothingChanged(string body, string field)
    {
        var before = await fixture.Cache.RunCliAsync("config", "get", "maxmemory*");

        using var response = await fixture.Silo.Http.PutAsync("/admin/redis/maxmemory", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await ProblemAssert.IsInvalidAsync(response, field);
        Assert.Equal(before, await fixture.Cache.RunCliAsync("config", "get", "maxmemory*"));
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("not-the-admin-key-at-all", HttpStatusCode.Unauthorized)]
    public async Task AdminEndpoints_MissingOrWrongKey_401(string? key, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{fixture.Silo.HttpPort}/admin/redis/memory");
        if (key is not null)
        {
            request.Headers.Add("X-Admin-Key", key);
        }

        using var http = new HttpClient();
        using var response = await http.SendAsync(request);

        await ProblemAssert.IsAsync(response, expected);
    }

    [Fact]
    public async Task AdminEndpoints_RightKey_200()
    {
        using var response = await fixture.Silo.Http.GetAsync("/admin/redis/memory?role=cache");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
