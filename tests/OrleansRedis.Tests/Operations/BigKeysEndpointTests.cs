using System.Net.Http.Json;
using System.Text.Json;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Foundation;
using StackExchange.Redis;

namespace OrleansRedis.Tests.Operations;

/// <summary>Big keys by bytes over a seeded mix, against a real Redis.</summary>
public sealed class BigKeysEndpointTests(OperationsFixture fixture) : IClassFixture<OperationsFixture>
{
    [Fact]
    public async Task BigKeys_SeededMix_BigHashFirstWithinTenPercentAndPrefixTotalsAddUp()
    {
        await using var redis = await fixture.State.ConnectAsync();
        var database = redis.GetDatabase();
        var bigHash = $"or:report:{{big-{Guid.NewGuid():N}}}";
        await SeedAsync(database, bigHash);
        var expected = (long)await database.ExecuteAsync("MEMORY", "USAGE", bigHash);

        var report = await fixture.Silo.Http.GetFromJsonAsync<JsonElement>("/admin/redis/bigkeys?role=state&top=10");
        var top = report.GetProperty("top").EnumerateArray().ToList();
        var prefixes = report.GetProperty("prefixes").EnumerateArray().ToList();

        Assert.Equal(bigHash, top[0].GetProperty("key").GetString());
        Assert.Equal("hash", top[0].GetProperty("type").GetString());
        Assert.Equal(5000, top[0].GetProperty("elements").GetInt64());
        Assert.InRange(top[0].GetProperty("bytes").GetInt64(), expected * 0.9, expected * 1.1);
        Assert.True(expected > 5_000_000, $"the seeded hash is only {expected} bytes");
        Assert.Equal(report.GetProperty("scannedBytes").GetInt64(), prefixes.Sum(p => p.GetProperty("bytes").GetInt64()));
        Assert.Equal(report.GetProperty("scannedKeys").GetInt64(), prefixes.Sum(p => p.GetProperty("keys").GetInt64()));
        Assert.True(report.GetProperty("complete").GetBoolean());
        Assert.Contains(prefixes, p => p.GetProperty("prefix").GetString() == "or:session" && p.GetProperty("keys").GetInt64() >= 200);
        Assert.Contains(prefixes, p => p.GetProperty("prefix").GetString() == "or:rl" && p.GetProperty("keys").GetInt64() >= 100);
    }

    [Fact]
    public async Task BigKeys_MaxKeysBound_StopsAndSaysIncomplete()
    {
        await using var redis = await fixture.State.ConnectAsync();
        var database = redis.GetDatabase();
        var batch = database.CreateBatch();
        var writes = Enumerable.Range(0, 500).Select(i => batch.StringSetAsync($"or:filler:{{{Guid.NewGuid():N}}}", "x")).ToArray();
        batch.Execute();
        await Task.WhenAll(writes);

        var report = await fixture.Silo.Http.GetFromJsonAsync<JsonElement>("/admin/redis/bigkeys?role=state&maxKeys=100&batch=50");

        Assert.InRange(report.GetProperty("scannedKeys").GetInt64(), 1, 100);
        Assert.False(report.GetProperty("complete").GetBoolean());
    }

    [Theory]
    [InlineData("role=nosuch", "role")]
    [InlineData("top=0", "top")]
    [InlineData("top=abc", "top")]
    [InlineData("top={huge}", "top")]
    [InlineData("maxKeys=0", "maxKeys")]
    [InlineData("batch=5", "batch")]
    [InlineData("batch=1.5", "batch")]
    public async Task BigKeys_BadQuery_400NamingTheField(string query, string field)
    {
        using var response = await fixture.Silo.Http.GetAsync(
            $"/admin/redis/bigkeys?{query.Replace("{huge}", new string('9', 7 * 1024), StringComparison.Ordinal)}");

        await ProblemAssert.IsInvalidAsync(response, field);
    }

    private static async Task SeedAsync(IDatabase database, string bigHash)
    {
        var field = new string('h', 1000);
        var batch = database.CreateBatch();
        var writes = new List<Task>();
        for (var i = 0; i < 5000; i++)
        {
            writes.Add(batch.HashSetAsync(bigHash, $"field-{i}", field + i));
        }

        for (var i = 0; i < 2000; i++)
        {
            writes.Add(batch.StringSetAsync($"or:small:{{{i}}}", $"value-{i}"));
        }

        for (var i = 0; i < 200; i++)
        {
            writes.Add(batch.StringSetAsync($"or:session:{{{Guid.NewGuid():N}}}", "{\"userId\":\"u\",\"data\":{}}", TimeSpan.FromHours(1)));
        }

        for (var i = 0; i < 100; i++)
        {
            var key = $"or:rl:{{demo/{i}}}";
            for (var j = 0; j < 20; j++)
            {
                writes.Add(batch.SortedSetAddAsync(key, $"{j}-{Guid.NewGuid():N}", j));
            }
        }

        batch.Execute();
        await Task.WhenAll(writes);
    }
}
