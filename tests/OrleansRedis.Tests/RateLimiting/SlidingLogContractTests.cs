using OrleansRedis.Abstractions.RateLimiting;
using OrleansRedis.Grains.RateLimiting;
using OrleansRedis.Redis.RateLimiting;
using StackExchange.Redis;

namespace OrleansRedis.Tests.RateLimiting;

/// <summary>The contract for the sliding log, plus what only an exact log can promise.</summary>
public abstract class SlidingLogContractTests(RateLimitClusterFixture fixture) : RateLimitContractTests(fixture)
{
    /// <summary>The sliding-log contract on one redis-server.</summary>
    [Collection(RateLimitClusterCollection.Name)]
    public sealed class OnRedis(RateLimitClusterFixture fixture) : SlidingLogContractTests(fixture);

    /// <summary>The sliding-log contract on a Redis Cluster of three masters and three replicas.</summary>
    [Collection(RateLimitOnRedisClusterCollection.Name)]
    public sealed class OnRedisCluster(RateLimitOnRedisClusterFixture fixture) : SlidingLogContractTests(fixture);

    /// <inheritdoc />
    protected override string Prefix => "log";

    /// <summary>Gets the policy with 3 units per 3 seconds: room for denials before the oldest entry leaves.</summary>
    private static string Exact => "log-exact";

    [Fact]
    public async Task Check_SlidingLog_AdmitsExactlyWhenTheOldestEntryLeaves()
    {
        var subject = NewSubject();
        var policy = Fixture.Policy(Exact);
        var key = Fixture.Key(Exact, subject);
        var window = RateLimitStore.Microseconds(policy.Window);
        var store = Fixture.FromEachSilo<RateLimitStore>()[0];
        var database = Fixture.RedisConnection.GetDatabase();

        // One entry, then two more a second later (by Redis's clock): the limit frees up when the first one leaves,
        // not when the window has passed since the last.
        await store.CheckAsync(key, policy.Algorithm, policy.Limit, policy.Window, [1]);
        var oldest = (long)(await database.SortedSetRangeByRankWithScoresAsync(key, 0, 0))[0].Score;
        while (await Fixture.RedisMicrosecondsAsync() < oldest + 1_000_000)
        {
            await Task.Yield();
        }

        await store.CheckAsync(key, policy.Algorithm, policy.Limit, policy.Window, [1, 1]);
        var leavesAt = oldest + window;

        var denials = 0;
        var admittedAt = 0L;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var grain = Fixture.Grains.GetRateLimitGrain(Exact, subject);
        while (admittedAt == 0 && DateTime.UtcNow < deadline)
        {
            var u1 = await Fixture.RedisMicrosecondsAsync();
            var decision = await grain.CheckAsync();
            var u2 = await Fixture.RedisMicrosecondsAsync();
            if (u2 < leavesAt)
            {
                Assert.False(decision.Allowed, $"admitted {leavesAt - u2} us before the oldest entry left the window");
                Assert.True(RateLimitStore.Microseconds(decision.RetryAfter) >= leavesAt - u2, "the retry-after points before the oldest entry leaves");
                Assert.Equal(3, await database.SortedSetLengthAsync(key));
                denials++;
            }
            else if (u1 >= leavesAt)
            {
                Assert.True(decision.Allowed, $"denied {u1 - leavesAt} us after the oldest entry left the window");
            }

            if (decision.Allowed)
            {
                admittedAt = u2;
            }
        }

        var entries = await database.SortedSetRangeByRankWithScoresAsync(key);
        Assert.True(denials > 0, "no check fell before the oldest entry left");
        Assert.True(admittedAt >= leavesAt, "admitted before the oldest entry left");
        Assert.Equal(3, entries.Length);
        Assert.DoesNotContain(entries, e => (long)e.Score == oldest);
        Assert.InRange((long)entries[^1].Score, leavesAt, admittedAt);
    }

    [Fact]
    public async Task Check_SlidingLog_OneBatchStoresUniqueMembersWithEqualScores()
    {
        var subject = NewSubject();
        var policy = Fixture.Policy(Burst);
        var key = Fixture.Key(Burst, subject);

        var batch = await Fixture.FromEachSilo<RateLimitStore>()[0].CheckAsync(key, policy.Algorithm, policy.Limit, policy.Window, [3, 1, 1]);
        var entries = await Fixture.RedisConnection.GetDatabase().SortedSetRangeByRankWithScoresAsync(key);

        Assert.All(batch.Verdicts, v => Assert.True(v.Allowed));
        Assert.Equal(5, entries.Length);
        Assert.Equal(5, entries.Select(e => e.Element.ToString()).Distinct().Count());
        Assert.Single(entries.Select(e => e.Score).Distinct());
        Assert.Equal(batch.RedisTimeMicroseconds, (long)entries[0].Score);
    }

    [Fact]
    public async Task Check_SlidingLog_KeyExpiresOneWindowAfterTheNewestEntry()
    {
        var subject = NewSubject();
        var policy = Fixture.Policy(Burst);
        await Fixture.Grains.GetRateLimitGrain(Burst, subject).CheckAsync();

        var ttl = await Fixture.RedisConnection.GetDatabase().KeyTimeToLiveAsync(Fixture.Key(Burst, subject));

        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, policy.Window - TimeSpan.FromMinutes(1), policy.Window + TimeSpan.FromMilliseconds(1));
    }

    /// <inheritdoc />
    protected override async Task AssertStoredUnitsAsync(RedisKey key, RateLimitPolicy policy, long units) =>
        Assert.Equal(units, await Fixture.RedisConnection.GetDatabase().SortedSetLengthAsync(key));
}
