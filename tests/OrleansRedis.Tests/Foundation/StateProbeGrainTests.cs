using System.Text.Json;
using OrleansRedis.Abstractions.Probe;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Foundation;

[Collection(RedisClusterCollection.Name)]
public sealed class StateProbeGrainTests(RedisClusterFixture fixture)
{
    [Fact]
    public async Task SetAsync_PersistsPlainJsonInRedis_WithoutDotNetTypeNames()
    {
        var key = $"probe-{Guid.NewGuid():N}";
        var written = await fixture.Grains.GetGrain<IStateProbeGrain>(key).SetAsync("hello");

        await using var redis = await fixture.Redis.ConnectAsync();
        var data = await redis.GetDatabase().HashGetAsync($"{fixture.ServiceId}/state/probe/{key}/probe", "data");

        Assert.Equal(1, written.Version);
        Assert.True(data.HasValue, "the grain state was not written to its Redis hash");
        using var json = JsonDocument.Parse(data.ToString());
        Assert.Equal("hello", json.RootElement.GetProperty("Value").GetString());
        Assert.DoesNotContain("$type", data.ToString());
    }

    [Fact]
    public async Task SetAsync_ManyWrites_VersionCountsEveryWrite()
    {
        var probe = fixture.Grains.GetGrain<IStateProbeGrain>($"probe-{Guid.NewGuid():N}");

        for (var i = 1; i <= 5; i++)
        {
            await probe.SetAsync($"v{i}");
        }

        var read = await probe.GetAsync();
        Assert.Equal(("v5", 5L), (read.Value, read.Version));
    }

    [Fact]
    public async Task SetAsync_ValueTooLong_ThrowsArgumentExceptionAndKeepsState()
    {
        var probe = fixture.Grains.GetGrain<IStateProbeGrain>($"probe-{Guid.NewGuid():N}");
        await probe.SetAsync("kept");

        await Assert.ThrowsAsync<ArgumentException>(() => probe.SetAsync(new string('x', ProbeLimits.MaxValueLength + 1)));

        var read = await probe.GetAsync();
        Assert.Equal(("kept", 1L), (read.Value, read.Version));
    }
}
