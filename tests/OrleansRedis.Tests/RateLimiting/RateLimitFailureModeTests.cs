using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.RateLimiting;
using OrleansRedis.Grains.RateLimiting;
using OrleansRedis.Redis;
using OrleansRedis.Redis.RateLimiting;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Infrastructure;
using StackExchange.Redis;

namespace OrleansRedis.Tests.RateLimiting;

/// <summary>
/// Redis away: <c>open</c> admits (degraded), <c>closed</c> denies, each within its 300 ms bound, well before the
/// Redis command timeout (5 s in <see cref="RateLimitFailureModeFixture"/>); once Redis is back, enforcement resumes
/// without restarting a silo.
/// </summary>
[Collection(WallClockCollection.Name)]
public sealed class RateLimitFailureModeTests(RateLimitFailureModeFixture fixture) : IClassFixture<RateLimitFailureModeFixture>, IAsyncLifetime
{
    // The policies' bound is 300 ms; the rest is room for five concurrent grain calls on a machine whose two cores
    // are busy with other processes. Still well below the fixture's 5 s Redis command timeout, after which a command
    // itself would fail, while a frozen Redis stays silent until every check is decided: a decision in time comes from
    // the bound, not from Redis.
    private static readonly TimeSpan WithinBound = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Every test starts with Redis reachable from both silos: an earlier test's outage ends when the silo it watched
    /// decides through Redis again, while the other silo's connection may still be coming back, and a grain placed
    /// there would answer "disconnected".
    /// </summary>
    public async ValueTask InitializeAsync()
    {
        var policy = fixture.Policy("open");
        foreach (var store in fixture.FromEachSilo<RateLimitStore>())
        {
            var key = fixture.Key("open", $"probe-{Guid.NewGuid():N}");
            await Eventually.TrueAsync(() => Task.FromResult(store.IsConnected(key)), Recovery, "every silo reconnects to Redis");
            await Eventually.SucceedsAsync(() => store.CheckAsync(key, policy.Algorithm, policy.Limit, policy.Window, [1]), Recovery, "every silo runs scripts again");
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task Check_RedisStopped_OpenAdmitsAndClosedDeniesWithinBound_ThenEnforcementResumes()
    {
        var subject = $"stopped-{Guid.NewGuid():N}";
        var open = fixture.Grains.GetRateLimitGrain("open", subject);
        var closed = fixture.Grains.GetRateLimitGrain("closed", subject);
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await open.CheckAsync()).Allowed);
            Assert.True((await closed.CheckAsync()).Allowed);
        }

        var silos = fixture.Cluster.GetActiveSilos().Select(s => s.SiloAddress).ToHashSet();
        AssertBoundBelowRedisTimeout();
        using var meter = new MeterRecorder(RateLimitMetrics.MeterName);
        await fixture.Redis.ShutdownAsync();
        List<(RateLimitDecision Decision, TimeSpan Elapsed)> openDecisions, closedDecisions;
        try
        {
            openDecisions = await TimedChecksAsync(open);
            closedDecisions = await TimedChecksAsync(closed);
        }
        finally
        {
            await fixture.Redis.RestartAsync();
        }

        Assert.All(openDecisions, d => Assert.Equal((true, true), (d.Decision.Allowed, d.Decision.Degraded)));
        Assert.All(closedDecisions, d => Assert.Equal((false, true), (d.Decision.Allowed, d.Decision.Degraded)));
        Assert.All(openDecisions.Concat(closedDecisions), d => Assert.True(d.Elapsed < WithinBound, $"a degraded decision took {d.Elapsed}"));
        Assert.True(meter.Values("orleansredis.ratelimit.degraded_decisions", ("orleansredis.ratelimit.policy", "open"), ("orleansredis.ratelimit.failure_mode", "open")).Sum() >= 5);
        Assert.True(meter.Values("orleansredis.ratelimit.degraded_decisions", ("orleansredis.ratelimit.policy", "closed"), ("orleansredis.ratelimit.failure_mode", "closed")).Sum() >= 5);

        // Redis is back: the same activations decide through Redis again, with the requests made before the outage.
        await Eventually.TrueAsync(async () => !(await closed.PeekAsync()).Degraded, Recovery, "checks decide through Redis again");
        var remaining = (await closed.PeekAsync()).Remaining;
        Assert.InRange(remaining, 0, 2);
        RateLimitDecision last;
        var admitted = 0;
        while ((last = await closed.CheckAsync()).Allowed)
        {
            admitted++;
        }

        Assert.Equal(remaining, admitted);
        Assert.False(last.Degraded);
        Assert.Equal(silos, fixture.Cluster.GetActiveSilos().Select(s => s.SiloAddress).ToHashSet());
    }

    [Fact]
    public async Task Check_RedisStalled_DecidesByFailureModeWithinBound()
    {
        var subject = $"stalled-{Guid.NewGuid():N}";
        var open = fixture.Grains.GetRateLimitGrain("open", subject);
        var closed = fixture.Grains.GetRateLimitGrain("closed", subject);
        Assert.False((await open.CheckAsync()).Degraded);
        Assert.False((await closed.CheckAsync()).Degraded);
        AssertBoundBelowRedisTimeout();

        // Connected but silent: nothing tells the silo Redis is away, only the bound does. The server is frozen
        // (SIGSTOP) until both batches of checks are decided, however long a stalled machine takes (a Redis that
        // answered in between would decide the rest), and no longer.
        List<(RateLimitDecision Decision, TimeSpan Elapsed)> openDecisions, closedDecisions;
        await ProcessSignals.StopAsync(fixture.Redis.ProcessId);
        try
        {
            openDecisions = await TimedChecksAsync(open);
            closedDecisions = await TimedChecksAsync(closed);
        }
        finally
        {
            await ProcessSignals.ContinueAsync(fixture.Redis.ProcessId);
        }

        Assert.All(openDecisions, d => Assert.Equal((true, true), (d.Decision.Allowed, d.Decision.Degraded)));
        Assert.All(closedDecisions, d => Assert.Equal((false, true), (d.Decision.Allowed, d.Decision.Degraded)));
        Assert.All(openDecisions.Concat(closedDecisions), d => Assert.True(d.Elapsed < WithinBound, $"a degraded decision took {d.Elapsed}"));
        await Eventually.TrueAsync(async () => !(await closed.CheckAsync()).Degraded, Recovery, "checks decide through Redis again");
    }

    [Fact]
    public async Task Check_AfterRedisRestartEmptiedTheScriptCache_KeepsWorking()
    {
        var subject = $"restart-{Guid.NewGuid():N}";
        string[] policies = ["log-durable", "counter-durable", "gcra-durable"];
        foreach (var policy in policies)
        {
            Assert.True((await fixture.Grains.GetRateLimitGrain(policy, subject).CheckAsync(15)).Allowed);
        }

        Assert.All(await ScriptsCachedAsync(), Assert.True);
        await fixture.Redis.ShutdownAsync();
        await fixture.Redis.RestartAsync();
        await Eventually.TrueAsync(() => Task.FromResult(fixture.RedisConnection.IsConnected), Recovery, "the inspecting connection reconnects");
        Assert.All(await ScriptsCachedAsync(), Assert.False);

        foreach (var policy in policies)
        {
            var grain = fixture.Grains.GetRateLimitGrain(policy, subject);
            await Eventually.TrueAsync(async () => !(await grain.PeekAsync()).Degraded, Recovery, $"{policy} decides through Redis again");
            var tooMuch = await grain.CheckAsync(6);
            var rest = await grain.CheckAsync(5);

            Assert.Equal((false, false), (tooMuch.Allowed, tooMuch.Degraded));
            Assert.Equal((true, 0L), (rest.Allowed, rest.Remaining));
        }
    }

    [Fact]
    public async Task Check_AfterScriptFlush_FirstCheckDecidesThroughRedis()
    {
        var subject = $"flush-{Guid.NewGuid():N}";
        var grain = fixture.Grains.GetRateLimitGrain("gcra-durable", subject);
        Assert.True((await grain.CheckAsync()).Allowed);

        await fixture.RedisConnection.GetServers()[0].ScriptFlushAsync();
        var decision = await grain.CheckAsync();

        Assert.Equal((true, false, 18L), (decision.Allowed, decision.Degraded, decision.Remaining));
    }

    /// <summary>A decision within <see cref="WithinBound"/> cannot be a Redis command that timed out.</summary>
    private void AssertBoundBelowRedisTimeout()
    {
        Assert.All(fixture.FromEachSilo<IOptions<RedisOptions>>(), options => Assert.Equal(RateLimitFailureModeFixture.RedisOperationTimeout, options.Value.OperationTimeout));
        Assert.True(WithinBound < RateLimitFailureModeFixture.RedisOperationTimeout);
    }

    private static async Task<List<(RateLimitDecision Decision, TimeSpan Elapsed)>> TimedChecksAsync(IRateLimitGrain grain)
    {
        var checks = Enumerable.Range(0, 5).Select(async _ =>
        {
            var clock = Stopwatch.StartNew();
            var decision = await grain.CheckAsync();
            return (decision, clock.Elapsed);
        });
        return [.. await Task.WhenAll(checks)];
    }

    private async Task<bool[]> ScriptsCachedAsync()
    {
        var hashes = new[] { RateLimitStore.SlidingLogScript, RateLimitStore.SlidingWindowCounterScript, RateLimitStore.TokenBucketScript }
            .Select(script => (RedisValue)Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(script))))
            .ToArray();
        var reply = await fixture.RedisConnection.GetDatabase().ExecuteAsync("SCRIPT", ["EXISTS", .. hashes.Cast<object>()]);
        return [.. ((long[])reply!).Select(exists => exists == 1)];
    }
}

/// <summary>
/// The rate-limit test cluster with a 5 s Redis command timeout (instead of 2 s), so the failure-mode bound a test
/// asserts (3 s, room for a loaded machine) stays below the point where Redis itself would answer with a timeout. The
/// lock wait limit shrinks with it, as <see cref="OrleansRedis.Grains.Locks.LockOptionsValidator"/> demands.
/// </summary>
public sealed class RateLimitFailureModeFixture : RateLimitClusterFixture
{
    /// <summary>The Redis command timeout of this fixture's silos.</summary>
    public static readonly TimeSpan RedisOperationTimeout = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>(RateLimitTestPolicies.Configuration)
    {
        ["OrleansRedis:Redis:OperationTimeout"] = RedisOperationTimeout.ToString(),
        ["OrleansRedis:Locks:MaxWait"] = "00:00:15",
    };
}
