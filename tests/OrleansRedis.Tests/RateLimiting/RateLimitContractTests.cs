using OrleansRedis.Abstractions.RateLimiting;
using OrleansRedis.Grains.RateLimiting;
using OrleansRedis.Redis.RateLimiting;
using StackExchange.Redis;

namespace OrleansRedis.Tests.RateLimiting;

/// <summary>
/// What every rate-limit algorithm promises, run once per algorithm against a real Redis and a real 2-silo cluster.
/// Each subclass names its policies' prefix and says how its algorithm stores units in Redis.
/// </summary>
public abstract class RateLimitContractTests(RateLimitClusterFixture fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    /// <summary>Gets the shared cluster.</summary>
    protected RateLimitClusterFixture Fixture => fixture;

    /// <summary>Gets the prefix of the algorithm's test policies (<c>log</c>, <c>counter</c>, <c>gcra</c>).</summary>
    protected abstract string Prefix { get; }

    /// <summary>Gets the policy with 20 units per 5 minutes.</summary>
    protected string Burst => $"{Prefix}-burst";

    /// <summary>Gets the policy with 3 units per second.</summary>
    protected string Short => $"{Prefix}-short";

    [Fact]
    public async Task Check_ConcurrentCallersAcrossSilosAndClients_AdmitsExactlyLimit()
    {
        var subject = NewSubject();
        var policy = fixture.Policy(Burst);
        var key = fixture.Key(Burst, subject);
        var secondClient = fixture.SecondClient;
        using var meter = new MeterRecorder(RateLimitMetrics.MeterName);

        // Grain calls through both external clients and from inside both silos, plus direct script calls from both
        // silos (what a duplicate activation would do): Redis must hold the line whoever asks.
        var callers = new List<Func<Task<RateLimitDecision>>>();
        foreach (var grains in new[] { fixture.Grains, secondClient }.Concat(fixture.FromEachSilo<IGrainFactory>()))
        {
            callers.AddRange(Enumerable.Repeat<Func<Task<RateLimitDecision>>>(() => grains.GetRateLimitGrain(Burst, subject).CheckAsync(), 10));
        }

        foreach (var store in fixture.FromEachSilo<RateLimitStore>())
        {
            callers.AddRange(Enumerable.Repeat<Func<Task<RateLimitDecision>>>(async () =>
            {
                var verdict = (await store.CheckAsync(key, policy.Algorithm, policy.Limit, policy.Window, [1])).Verdicts[0];
                return new RateLimitDecision(verdict.Allowed, policy.Limit, verdict.Remaining, verdict.RetryAfter, verdict.ResetAfter, false);
            }, 5));
        }

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = callers.Select(call => Task.Run(async () =>
        {
            await start.Task;
            return await call();
        })).ToList();
        start.SetResult();
        var decisions = await Task.WhenAll(calls);
        var after = await fixture.Grains.GetRateLimitGrain(Burst, subject).PeekAsync();

        Assert.Equal(50, decisions.Length);
        Assert.DoesNotContain(decisions, d => d.Degraded);
        Assert.Equal(policy.Limit, decisions.Count(d => d.Allowed));
        Assert.Equal((false, 0L), (after.Allowed, after.Remaining));
        await AssertStoredUnitsAsync(key, policy, policy.Limit);

        // The callers really overlapped: the grain decided several of them in one script call.
        Assert.True(meter.Values("orleansredis.ratelimit.batch.size", ("orleansredis.ratelimit.policy", Burst)).DefaultIfEmpty().Max() > 1,
            "no script call decided more than one check: the callers did not reach the grain concurrently");
    }

    [Fact]
    public async Task Check_OneScriptCallOfEqualTimestamps_EveryUnitCounted()
    {
        var subject = NewSubject();
        var policy = fixture.Policy(Burst);
        var key = fixture.Key(Burst, subject);
        var store = fixture.FromEachSilo<RateLimitStore>()[0];

        var batch = await store.CheckAsync(key, policy.Algorithm, policy.Limit, policy.Window, [.. Enumerable.Repeat(1, (int)policy.Limit)]);
        var next = await fixture.Grains.GetRateLimitGrain(Burst, subject).CheckAsync();

        Assert.All(batch.Verdicts, verdict => Assert.True(verdict.Allowed));
        Assert.Equal(Enumerable.Range(0, (int)policy.Limit).Reverse().Select(i => (long)i), batch.Verdicts.Select(v => v.Remaining));
        Assert.False(next.Allowed);
        await AssertStoredUnitsAsync(key, policy, policy.Limit);
    }

    [Fact]
    public async Task Check_CostAboveRemaining_DeniedWholeAndRecordsNothing()
    {
        var subject = NewSubject();
        var policy = fixture.Policy(Burst);
        var grain = fixture.Grains.GetRateLimitGrain(Burst, subject);

        var first = await grain.CheckAsync(15);
        var tooMuch = await grain.CheckAsync(6);
        await AssertStoredUnitsAsync(fixture.Key(Burst, subject), policy, 15);
        var rest = await grain.CheckAsync(5);
        var none = await grain.CheckAsync(1);

        Assert.Equal((true, 5L), (first.Allowed, first.Remaining));
        Assert.Equal((false, 5L), (tooMuch.Allowed, tooMuch.Remaining));
        Assert.True(tooMuch.RetryAfter > TimeSpan.Zero, "a denial must say when to retry");
        Assert.Equal((true, 0L), (rest.Allowed, rest.Remaining));
        Assert.False(none.Allowed);
        await AssertStoredUnitsAsync(fixture.Key(Burst, subject), policy, 20);
    }

    [Fact]
    public async Task Check_SeveralCostsInOneScriptCall_DecidedInArrivalOrder()
    {
        var subject = NewSubject();
        var policy = fixture.Policy(Burst);
        var store = fixture.FromEachSilo<RateLimitStore>()[1];

        var batch = await store.CheckAsync(fixture.Key(Burst, subject), policy.Algorithm, policy.Limit, policy.Window, [15, 10, 5, 1, 0]);

        Assert.Equal([true, false, true, false, false], batch.Verdicts.Select(v => v.Allowed));
        Assert.Equal([5L, 5L, 0L, 0L, 0L], batch.Verdicts.Select(v => v.Remaining));
        Assert.Equal(0, batch.Remaining);
        Assert.True(batch.NextAvailable > TimeSpan.Zero);
    }

    [Fact]
    public async Task Peek_AfterChecks_ConsumesNothing()
    {
        var subject = NewSubject();
        var grain = fixture.Grains.GetRateLimitGrain(Burst, subject);

        await grain.CheckAsync();
        await grain.CheckAsync();
        var peeks = new[] { await grain.PeekAsync(), await grain.PeekAsync(), await grain.PeekAsync() };
        var next = await grain.CheckAsync();

        Assert.All(peeks, peek => Assert.Equal((true, 18L, false), (peek.Allowed, peek.Remaining, peek.Degraded)));
        Assert.Equal((true, 17L), (next.Allowed, next.Remaining));
    }

    [Fact]
    public async Task Reset_AfterExhausted_FullLimitAvailableAgain()
    {
        var subject = NewSubject();
        var grain = fixture.Grains.GetRateLimitGrain(Burst, subject);
        Assert.True((await grain.CheckAsync(20)).Allowed);

        var denied = await grain.CheckAsync();
        await grain.ResetAsync();
        var afterReset = await grain.CheckAsync();

        Assert.False(denied.Allowed);
        Assert.Equal((true, 19L), (afterReset.Allowed, afterReset.Remaining));
    }

    [Fact]
    public async Task Check_WhileDeniedUntilRetryAfter_AdmittedThenAndNotBefore()
    {
        var (grain, denial, t1, t2) = await ExhaustThenDenyAsync();
        var retry = RateLimitStore.Microseconds(denial.RetryAfter);

        Assert.InRange(retry, 1, 2 * RateLimitStore.Microseconds(fixture.Policy(Short).Window));

        // Every check made surely before t_denial + retry is denied (denials record nothing, so they do not push the
        // time back); the first check made surely after it is admitted. Times are Redis's clock around each call.
        var admitted = false;
        var checks = 0;
        var deadline = DateTime.UtcNow + Deadline;
        while (!admitted && DateTime.UtcNow < deadline)
        {
            var u1 = await fixture.RedisMicrosecondsAsync();
            var decision = await grain.CheckAsync();
            var u2 = await fixture.RedisMicrosecondsAsync();
            checks++;
            if (u2 < t1 + retry - 1000)
            {
                Assert.False(decision.Allowed, $"admitted {t1 + retry - u2} us before the retry-after of a denial");
            }

            if (u1 >= t2 + retry)
            {
                Assert.True(decision.Allowed, $"denied {u1 - t2 - retry} us after the retry-after of a denial");
            }

            Assert.False(decision.Degraded);
            admitted = decision.Allowed;
        }

        Assert.True(admitted, $"not admitted within {Deadline} after {checks} checks");
    }

    [Fact]
    public async Task Check_ClientsRetryingWhileDenied_AdmittedOnceWindowAllows()
    {
        var subject = NewSubject();
        var policy = fixture.Policy(Short);
        var key = fixture.Key(Short, subject);
        var store = fixture.FromEachSilo<RateLimitStore>()[1];
        var secondClient = fixture.SecondClient;
        var exhausted = await store.CheckAsync(key, policy.Algorithm, policy.Limit, policy.Window, [(int)policy.Limit]);
        var freeAt = exhausted.RedisTimeMicroseconds + RateLimitStore.Microseconds(exhausted.NextAvailable);

        // Two clients retry through the grain and a third straight against Redis (so every one of its attempts runs
        // the script), all without pause. With the seed's order (record, then count) each denied attempt would be
        // recorded and keep the window full for as long as anyone keeps trying.
        async Task<int> RetryUntilAdmittedAsync(Func<Task<bool>> check)
        {
            var attempts = 0;
            var deadline = DateTime.UtcNow + Deadline;
            while (DateTime.UtcNow < deadline)
            {
                attempts++;
                var admitted = await check();
                var after = await fixture.RedisMicrosecondsAsync();
                if (admitted)
                {
                    Assert.True(after >= freeAt, $"admitted {freeAt - after} us before the first unit was free again");
                    return attempts;
                }
            }

            throw new TimeoutException($"a client retrying while denied was not admitted within {Deadline} ({attempts} attempts)");
        }

        var attempts = await Task.WhenAll(
            RetryUntilAdmittedAsync(async () => (await fixture.Grains.GetRateLimitGrain(Short, subject).CheckAsync()).Allowed),
            RetryUntilAdmittedAsync(async () => (await secondClient.GetRateLimitGrain(Short, subject).CheckAsync()).Allowed),
            RetryUntilAdmittedAsync(async () => (await store.CheckAsync(key, policy.Algorithm, policy.Limit, policy.Window, [1])).Verdicts[0].Allowed));

        Assert.Equal(3, attempts.Length);
    }

    /// <summary>Asserts how many units Redis holds for <paramref name="key"/>, read from the algorithm's own structure.</summary>
    protected abstract Task AssertStoredUnitsAsync(RedisKey key, RateLimitPolicy policy, long units);

    /// <summary>
    /// Exhausts a fresh subject of the short policy straight in Redis (so the grain's first answer comes from the
    /// script, not from its local view), then has the grain deny a check, bracketed by Redis's clock. A machine that
    /// stalls long enough for a unit to come back in between gets a new subject.
    /// </summary>
    protected async Task<(IRateLimitGrain Grain, RateLimitDecision Denial, long Before, long After)> ExhaustThenDenyAsync()
    {
        var policy = fixture.Policy(Short);
        for (var attempt = 0; ; attempt++)
        {
            var subject = NewSubject();
            var grain = fixture.Grains.GetRateLimitGrain(Short, subject);
            await fixture.FromEachSilo<RateLimitStore>()[0].CheckAsync(fixture.Key(Short, subject), policy.Algorithm, policy.Limit, policy.Window, [(int)policy.Limit]);
            var before = await fixture.RedisMicrosecondsAsync();
            var denial = await grain.CheckAsync();
            var after = await fixture.RedisMicrosecondsAsync();
            if (!denial.Allowed || attempt == 4)
            {
                Assert.False(denial.Allowed, "a check right after the limit was spent was admitted, five times over");
                return (grain, denial, before, after);
            }
        }
    }

    /// <summary>Gets a subject no other test uses.</summary>
    protected static string NewSubject() => $"subject-{Guid.NewGuid():N}";
}
