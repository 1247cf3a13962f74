using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Foundation;

namespace OrleansRedis.Tests.Operations;

/// <summary>A Redis that forbids CONFIG (as managed services do), and a silo with no admin key configured.</summary>
public sealed class RestrictedRedisTests
{
    [Fact]
    public async Task AdminEndpoints_ConfigForbiddenOrNoKeyConfigured_ClearErrors()
    {
        await using var redis = await RedisServer.StartAsync("--rename-command", "CONFIG", "");
        var clusterId = $"restricted-{Guid.NewGuid():N}";
        var adminKey = $"restricted-admin-{Guid.NewGuid():N}";
        await using var withKey = SiloProcess.Start(redis.ConnectionString, clusterId, clusterId, new Dictionary<string, string> { ["OrleansRedis__Admin__ApiKey"] = adminKey });
        await using var withoutKey = SiloProcess.Start(redis.ConnectionString, clusterId, clusterId);
        await Task.WhenAll(withKey.WaitReadyAsync(), withoutKey.WaitReadyAsync());
        withKey.Http.DefaultRequestHeaders.Add("X-Admin-Key", adminKey);
        withoutKey.Http.DefaultRequestHeaders.Add("X-Admin-Key", adminKey);

        using var set = await withKey.Http.PutAsJsonAsync("/admin/redis/maxmemory", new { role = "state", maxMemory = "100mb" });
        var setProblem = await ProblemAssert.IsAsync(set, HttpStatusCode.BadGateway);
        var reports = await withKey.Http.GetFromJsonAsync<JsonElement>("/admin/redis/memory");
        using var disabled = await withoutKey.Http.GetAsync("/admin/redis/memory");

        Assert.Contains("refused CONFIG", setProblem.GetProperty("detail").GetString());
        Assert.Equal(JsonValueKind.Null, reports[0].GetProperty("appendFsync").ValueKind);
        Assert.Equal("noeviction", reports[0].GetProperty("maxMemoryPolicy").GetString());
        var disabledProblem = await ProblemAssert.IsAsync(disabled, HttpStatusCode.Forbidden);
        Assert.Contains("OrleansRedis:Admin:ApiKey", disabledProblem.GetProperty("detail").GetString());
    }
}
