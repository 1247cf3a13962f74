using OrleansRedis.Abstractions.RateLimiting;
using OrleansRedis.Grains.RateLimiting;

namespace OrleansRedis.Tests.RateLimiting;

/// <summary>What the grain does before anything reaches Redis: typed errors for bad keys and costs, local denials.</summary>
[Collection(RateLimitClusterCollection.Name)]
public sealed class RateLimitGrainTests(RateLimitClusterFixture fixture)
{
    [Theory]
    [InlineData("nope/alice", RateLimitErrorCode.UnknownPolicy)]
    [InlineData("no-slash-at-all", RateLimitErrorCode.InvalidKey)]
    [InlineData("log-burst/", RateLimitErrorCode.InvalidKey)]
    [InlineData("bad policy/alice", RateLimitErrorCode.InvalidKey)]
    public async Task Check_KeyWithoutAUsablePolicy_ThrowsRateLimitExceptionWithItsCode(string key, RateLimitErrorCode code)
    {
        var grain = fixture.Grains.GetGrain<IRateLimitGrain>(key);

        var check = await Assert.ThrowsAsync<RateLimitException>(() => grain.CheckAsync());
        var peek = await Assert.ThrowsAsync<RateLimitException>(() => grain.PeekAsync());
        var reset = await Assert.ThrowsAsync<RateLimitException>(() => grain.ResetAsync());

        Assert.All([check, peek, reset], ex => Assert.Equal(code, ex.Code));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(21)]
    public async Task Check_CostOutsideOneToLimit_ThrowsArgumentOutOfRangeAndSpendsNothing(int cost)
    {
        var subject = $"cost-{Guid.NewGuid():N}";
        var grain = fixture.Grains.GetRateLimitGrain("log-burst", subject);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => grain.CheckAsync(cost));
        var peek = await grain.PeekAsync();

        Assert.Equal(20, peek.Remaining);
        Assert.False(await fixture.RedisConnection.GetDatabase().KeyExistsAsync(fixture.Key("log-burst", subject)));
    }

    [Fact]
    public async Task Check_KeyReportedExhausted_FurtherDenialsComeFromTheGrainWithTheRedisRetryAfter()
    {
        var subject = $"cached-{Guid.NewGuid():N}";
        var grain = fixture.Grains.GetRateLimitGrain("gcra-burst", subject);
        using var meter = new MeterRecorder(RateLimitMetrics.MeterName);

        await grain.CheckAsync(20);
        var denials = new List<RateLimitDecision>();
        for (var i = 0; i < 5; i++)
        {
            denials.Add(await grain.CheckAsync());
        }

        Assert.All(denials, d => Assert.Equal((false, false, 0L), (d.Allowed, d.Degraded, d.Remaining)));
        Assert.All(denials, d => Assert.InRange(d.RetryAfter, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15)));

        // Each denial either came from the grain's local view or cost a script call; the local view lasts a second,
        // so on any but a stalled machine all five are local.
        var cached = meter.Values("orleansredis.ratelimit.decisions", ("orleansredis.ratelimit.policy", "gcra-burst"), ("orleansredis.ratelimit.source", "cache"), ("orleansredis.ratelimit.result", "denied")).Sum();
        var scriptCalls = meter.Values("orleansredis.ratelimit.batch.size", ("orleansredis.ratelimit.policy", "gcra-burst")).Count;
        Assert.True(cached >= 1, "no denial came from the grain's local view");
        Assert.Equal(5, cached + scriptCalls - 1);
    }
}
