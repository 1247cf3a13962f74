using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansRedis.Testing;

namespace OrleansRedis.Tests.Operations;

/// <summary>
/// The guard rail end to end: a full State Redis under <c>noeviction</c> refuses new sessions with clear 503s and loses
/// nothing; forced onto <c>volatile-lru</c> it accepts them by silently deleting older sessions.
/// </summary>
public sealed class EvictionSafetyTests
{
    private static readonly string Payload = new('p', 30_000);

    [Fact]
    public async Task SessionWrites_FullStateRedis_NoevictionRefusesWith503AndKeepsAll_VolatileLruLosesSessions()
    {
        await using var redis = await RedisServer.StartAsync();
        var adminKey = $"evict-admin-{Guid.NewGuid():N}";
        await using var silo = SiloProcess.Start(redis.ConnectionString, $"evict-{Guid.NewGuid():N}", $"evict-{Guid.NewGuid():N}",
            new Dictionary<string, string> { ["OrleansRedis__Admin__ApiKey"] = adminKey });
        await silo.WaitReadyAsync();
        silo.Http.DefaultRequestHeaders.Add("X-Admin-Key", adminKey);
        var used = long.Parse(Info(await redis.RunCliAsync("info", "memory"), "used_memory"));
        await redis.RunCliAsync("config", "set", "maxmemory", (used + (3 * 1024 * 1024)).ToString());

        var created = new List<string>();
        HttpResponseMessage? refusal = null;
        for (var i = 0; i < 400 && refusal is null; i++)
        {
            var response = await silo.Http.PostAsJsonAsync("/sessions", new { userId = $"user-{i % 7}", data = new { blob = Payload } });
            if (response.StatusCode == HttpStatusCode.Created)
            {
                created.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sessionId").GetString()!);
                response.Dispose();
            }
            else
            {
                refusal = response;
            }
        }

        Assert.NotNull(refusal);
        using (refusal)
        {
            var problem = await refusal.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refusal.StatusCode);
            Assert.Contains("OOM", problem.GetProperty("detail").GetString());
        }

        Assert.Equal("0", Info(await redis.RunCliAsync("info", "stats"), "evicted_keys"));
        Assert.Equal(created.Count, await SessionKeyCountAsync(redis));
        Assert.True(created.Count > 10, $"only {created.Count} sessions fitted");

        using var forced = await silo.Http.PutAsJsonAsync("/admin/redis/maxmemory", new { role = "state", policy = "volatile-lru", force = true });
        Assert.Equal(HttpStatusCode.OK, forced.StatusCode);
        var accepted = 0;
        for (var i = 0; i < created.Count; i++)
        {
            using var response = await silo.Http.PostAsJsonAsync("/sessions", new { userId = "late-user", data = new { blob = Payload } });
            accepted += response.StatusCode == HttpStatusCode.Created ? 1 : 0;
        }

        var lost = new List<string>();
        foreach (var id in created)
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
            if ((await redis.RunCliAsync("exists", $"or:session:{{{hash}}}")).Trim() == "0")
            {
                lost.Add(id);
            }
        }

        Assert.True(lost.Count > 0, "volatile-lru evicted nothing: the demonstration failed");

        // The users of those sessions are logged out without anyone deciding so: the API answers 404 for them.
        await Eventually.TrueAsync(async () =>
        {
            using var read = await silo.Http.GetAsync($"/sessions/{lost[^1]}");
            return read.StatusCode == HttpStatusCode.NotFound;
        }, TimeSpan.FromSeconds(10), "an evicted session answers 404");

        TestContext.Current.TestOutputHelper?.WriteLine($"noeviction: {created.Count} sessions kept, then 503; volatile-lru: {accepted} more accepted, {lost.Count} earlier sessions silently lost");
        Assert.True(long.Parse(Info(await redis.RunCliAsync("info", "stats"), "evicted_keys")) > 0);
    }

    private static async Task<int> SessionKeyCountAsync(RedisServer redis) =>
        (await redis.RunCliAsync("--scan", "--pattern", "or:session:*")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;

    private static string Info(string info, string field) =>
        info.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith(field + ":", StringComparison.Ordinal))[(field.Length + 1)..];
}
