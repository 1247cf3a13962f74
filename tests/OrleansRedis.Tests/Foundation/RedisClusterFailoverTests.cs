using System.Diagnostics;
using OrleansRedis.Abstractions.Errors;
using OrleansRedis.Abstractions.Locks;
using OrleansRedis.Abstractions.RateLimiting;
using OrleansRedis.Abstractions.Sessions;
using OrleansRedis.Redis;
using OrleansRedis.Redis.Locks;
using OrleansRedis.Redis.RateLimiting;
using OrleansRedis.Redis.Sessions;
using OrleansRedis.Redis.Users;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Infrastructure;
using OrleansRedis.Tests.RateLimiting;
using StackExchange.Redis;

namespace OrleansRedis.Tests.Foundation;

/// <summary>
/// A Redis Cluster master SIGKILLed (cluster-node-timeout 2 s): calls fail typed and fast while its replica takes over
/// and succeed after it on the same silos; what an asynchronous failover loses, capability by capability, and what
/// <see cref="ReplicaWait"/> (<c>Locks:ReplicaAcks</c>, <c>Sessions:ReplicaAcks</c>) keeps, and what it costs.
/// </summary>
[Collection(WallClockCollection.Name)]
public sealed class RedisClusterFailoverTests(RedisClusterFailoverTests.Fixture fixture, ITestOutputHelper output) : IClassFixture<RedisClusterFailoverTests.Fixture>
{
    /// <summary>
    /// The longest a failed call may take: two Redis timeouts (2 s each; a session create makes two calls) and a 3 s
    /// stall. Without the bounded Redis timeout a call would hang until Orleans' 30 s response timeout.
    /// </summary>
    private static readonly TimeSpan FailFast = TimeSpan.FromSeconds(7);

    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task MasterKilledUnderLoad_CallsFailTypedWithinSevenSecondsThenSucceedOnTheSameSilos()
    {
        await fixture.RedisCluster.WaitHealthyAsync();
        var silos = fixture.Cluster.GetActiveSilos().Select(silo => silo.SiloAddress).Order().ToList();
        var probe = $"probe-{Guid.NewGuid():N}";
        var victim = await fixture.RedisCluster.MasterOfKeyAsync($"or:lock:{{{probe}}}");
        var calls = new List<Call>();
        var sessions = new List<(string Id, TimeSpan At)>();
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var killedAt = TimeSpan.MaxValue;

        var workers = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var kind = (worker + i) % 3;
                var started = clock.Elapsed;
                string outcome;
                try
                {
                    switch (kind)
                    {
                        case 0:
                            var name = $"load-{Guid.NewGuid():N}";
                            var lease = (await fixture.Grains.GetGrain<ILockGrain>(name).AcquireAsync("load", TimeSpan.FromMinutes(1), TimeSpan.Zero)).Lease!;
                            await fixture.Grains.GetGrain<ILockGrain>(name).ReleaseAsync(lease.Token);
                            outcome = "ok";
                            break;
                        case 1:
                            var created = await fixture.Grains.CreateSessionAsync(new SessionDraft($"user-{Guid.NewGuid():N}", "{}"));
                            lock (sessions)
                            {
                                sessions.Add((created.SessionId, clock.Elapsed));
                            }

                            outcome = "ok";
                            break;
                        default:
                            var decision = await fixture.Grains.GetRateLimitGrain("log-burst", $"load-{Guid.NewGuid():N}").CheckAsync();
                            outcome = decision.Degraded ? "degraded" : "ok";
                            break;
                    }
                }
                catch (Exception ex)
                {
                    outcome = ex.GetType().Name;
                }

                lock (calls)
                {
                    calls.Add(new Call(kind, started, clock.Elapsed - started, outcome));
                }
            }
        })).ToList();

        await Eventually.TrueAsync(() => Task.FromResult(Count(calls, c => c.Outcome == "ok") >= 60), Recovery, "the load runs");
        killedAt = clock.Elapsed;
        await victim.KillAsync();
        await fixture.RedisCluster.WaitHealthyAsync(replicated: false);
        var promotedAt = clock.Elapsed;
        await Eventually.SucceedsAsync(
            async () => await fixture.Grains.GetGrain<ILockGrain>(probe).GetStateAsync(), Recovery, "a lock on the failed master's slots answers");
        var recoveredAt = clock.Elapsed;
        var afterRecovery = Count(calls, c => c.Outcome == "ok" && c.Started > recoveredAt);
        await Eventually.TrueAsync(() => Task.FromResult(Count(calls, c => c.Outcome == "ok" && c.Started > recoveredAt) >= afterRecovery + 30), Recovery, "the load succeeds after the failover");
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        var failed = calls.Where(c => c.Outcome != "ok").ToList();
        var lost = await MissingSessionsAsync(sessions.Where(s => s.At < killedAt).Select(s => s.Id));
        output.WriteLine(
            $"failover: killed at {killedAt.TotalSeconds:0.0} s, slots served again after {(promotedAt - killedAt).TotalSeconds:0.0} s, " +
            $"lock calls back after {(recoveredAt - killedAt).TotalSeconds:0.0} s; {calls.Count} calls, {failed.Count} failed or degraded " +
            $"({string.Join(", ", failed.GroupBy(c => c.Outcome).Select(g => $"{g.Key} {g.Count()}"))}), slowest failure {failed.Select(c => c.Duration.TotalMilliseconds).DefaultIfEmpty().Max():0} ms; " +
            $"sessions acknowledged before the kill and missing after: {lost.Count} of {sessions.Count(s => s.At < killedAt)}");

        Assert.NotEmpty(failed);
        Assert.All(failed, c => Assert.Contains(c.Outcome, new[] { nameof(BackendUnavailableException), "degraded" }));
        Assert.All(failed, c => Assert.True(c.Duration < FailFast, $"a {c.Outcome} call took {c.Duration}"));
        Assert.True(Count(calls, c => c.Outcome == "ok" && c.Started > recoveredAt) >= 30, "the load did not succeed after the failover");
        Assert.Equal(silos, fixture.Cluster.GetActiveSilos().Select(silo => silo.SiloAddress).Order().ToList());

        await RejoinAsync(victim);
    }

    [Fact]
    public async Task ReplicationCutThenMasterKilled_AcknowledgedWritesLostPerCapability_UnlessReplicaAcksRefusedThem()
    {
        await fixture.RedisCluster.WaitHealthyAsync();
        var connections = fixture.FromEachSilo<RedisConnections>()[0];
        var keys = fixture.FromEachSilo<RedisKeys>()[0];
        var victim = await fixture.RedisCluster.MasterOfKeyAsync("or:lock:{cut-0}");
        var replica = await fixture.RedisCluster.ReplicaOfAsync(victim);
        var acks = new ReplicaWait(1, TimeSpan.FromMilliseconds(200));
        var locks = new RedisLockStore(connections, keys);
        var ackedLocks = new RedisLockStore(connections, keys) { ReplicaWait = acks };
        var sessions = new SessionStore(connections, keys);
        var ackedSessions = new SessionStore(connections, keys) { ReplicaWait = acks };
        var limits = new RateLimitStore(connections, keys);
        var users = new UserCacheStore(connections, keys);
        var lockNames = await NamesOnMasterAsync("cut-lock", 10, name => keys.Lock(name)!, victim);
        var sessionIds = await NamesOnMasterAsync("cut-session", 10, id => keys.Session(id)!, victim);
        var subjects = await NamesOnMasterAsync("cut-subject", 10, subject => keys.RateLimit("log-burst", subject, RateLimitAlgorithm.SlidingLog)!, victim);
        var userIds = await NamesOnMasterAsync("cut-user", 10, id => keys.User(id)!, victim);
        var ackedNames = await NamesOnMasterAsync("cut-acked", 6, name => keys.Lock(name)!, victim);

        // The replica stops reading (as a stalled replica or a slow link would) and the master drops its link: every
        // write from now on is acknowledged to the caller but reaches no replica.
        await ProcessSignals.StopAsync(replica.ProcessId);
        try
        {
            await victim.RunCliAsync("client", "kill", "type", "replica");
            foreach (var name in lockNames)
            {
                Assert.True((await locks.TryAcquireAsync(name, Guid.NewGuid().ToString("N"), "cut", 600_000)).Acquired);
            }

            foreach (var id in sessionIds)
            {
                Assert.Equal(SessionStatus.Found, (await sessions.CreateAsync(id, "user", "{}", 600_000, 600_000)).Status);
            }

            foreach (var subject in subjects)
            {
                Assert.True((await limits.CheckAsync(keys.RateLimit("log-burst", subject, RateLimitAlgorithm.SlidingLog), RateLimitAlgorithm.SlidingLog, 20, TimeSpan.FromMinutes(5), [5])).Verdicts[0].Allowed);
            }

            foreach (var id in userIds)
            {
                Assert.True((await users.SetIfNewerAsync(id, 1, "{}", TimeSpan.FromMinutes(10))).Written);
            }

            // With one replica ack required, the same writes are refused instead: 3 grants and 3 sessions, 200 ms each.
            var refused = 0;
            foreach (var (name, i) in ackedNames.Select((name, i) => (name, i)))
            {
                var started = Stopwatch.StartNew();
                var write = i % 2 == 0
                    ? ackedLocks.TryAcquireAsync(name, Guid.NewGuid().ToString("N"), "acked", 600_000)
                    : (Task)ackedSessions.CreateAsync(name, "user", "{}", 600_000, 600_000);
                var exception = await Assert.ThrowsAsync<ReplicaAckException>(() => write);
                Assert.Contains("0 of 1 replicas", exception.Message);
                Assert.True(started.Elapsed < FailFast, $"an unconfirmed write took {started.Elapsed}");
                refused++;
            }

            Assert.Equal(ackedNames.Count, refused);
            await victim.KillAsync();
        }
        finally
        {
            await ProcessSignals.ContinueAsync(replica.ProcessId);
        }

        await fixture.RedisCluster.WaitHealthyAsync(replicated: false);
        var redis = fixture.RedisConnection.GetDatabase();
        var lost = new Dictionary<string, int>
        {
            ["lock grants"] = await CountMissingAsync(redis, lockNames.Select(name => keys.Lock(name))),
            ["sessions"] = await CountMissingAsync(redis, sessionIds.Select(id => keys.Session(id))),
            ["rate-limit units"] = await CountMissingAsync(redis, subjects.Select(subject => keys.RateLimit("log-burst", subject, RateLimitAlgorithm.SlidingLog))),
            ["cached users"] = await CountMissingAsync(redis, userIds.Select(id => keys.User(id))),
        };
        var fences = await Task.WhenAll(lockNames.Select(async name => (await locks.ReadAsync(name)).FencingCounter));
        output.WriteLine($"acknowledged after the replication cut and lost in the failover (of 10 each): {string.Join(", ", lost.Select(pair => $"{pair.Key} {pair.Value}"))}; " +
            $"fencing counters after the failover: {string.Join(",", fences.Distinct())}; with ReplicaAcks=1: {ackedNames.Count} of {ackedNames.Count} refused (503), none acknowledged");

        // Asynchronous replication: every write acknowledged after the cut is gone, and a lock's fencing counter is
        // back where it was, so the next holder gets a token an earlier holder already used.
        Assert.All(lost, pair => Assert.Equal(10, pair.Value));
        Assert.All(fences, fence => Assert.Equal(0, fence));
        Assert.True((await fixture.Grains.GetGrain<ILockGrain>(lockNames[0]).AcquireAsync("after", TimeSpan.FromMinutes(1), TimeSpan.Zero)).Acquired,
            "a lock granted before the failover was granted again after it");

        await RejoinAsync(victim);
    }

    [Fact]
    public async Task ReplicaAcks_HealthyCluster_GrantsConfirmedAndCostMeasured()
    {
        await fixture.RedisCluster.WaitHealthyAsync();
        var connections = fixture.FromEachSilo<RedisConnections>()[0];
        var keys = fixture.FromEachSilo<RedisKeys>()[0];
        var plain = new RedisLockStore(connections, keys);
        var acked = new RedisLockStore(connections, keys) { ReplicaWait = new ReplicaWait(1, TimeSpan.FromSeconds(2)) };

        async Task<double> MicrosecondsPerCycleAsync(RedisLockStore store, int cycles)
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < cycles; i++)
            {
                var name = $"cost-{Guid.NewGuid():N}";
                var token = Guid.NewGuid().ToString("N");
                Assert.True((await store.TryAcquireAsync(name, token, "cost", 60_000)).Acquired);
                Assert.True((await store.ReleaseAsync(name, token)).Released);
            }

            return clock.Elapsed.TotalMicroseconds / cycles;
        }

        await MicrosecondsPerCycleAsync(plain, 100);
        var waitsBefore = await WaitCallsAsync();
        await MicrosecondsPerCycleAsync(acked, 100);
        var withoutWait = await MicrosecondsPerCycleAsync(plain, 1000);
        var waitsBetween = await WaitCallsAsync();
        var withWait = await MicrosecondsPerCycleAsync(acked, 1000);
        var waitsAfter = await WaitCallsAsync();
        output.WriteLine($"lock acquire+release, one caller, store straight on the Redis Cluster: {withoutWait:0} us without WAIT, {withWait:0} us with ReplicaAcks=1 ({withWait / withoutWait:0.00}x)");

        // Every grant and release of the acked store was confirmed (an unconfirmed one throws), each with one WAIT on
        // its master; the plain store sent none. The timings are for docs/scale-out.md.
        Assert.InRange(waitsBetween - waitsBefore, 200, 200);
        Assert.Equal(2000, waitsAfter - waitsBetween);
    }

    private async Task<long> WaitCallsAsync()
    {
        long calls = 0;
        foreach (var master in await fixture.RedisCluster.MastersAsync())
        {
            var line = (await master.RunCliAsync("info", "commandstats")).Split('\n').FirstOrDefault(l => l.StartsWith("cmdstat_wait:", StringComparison.Ordinal));
            calls += line is null ? 0 : long.Parse(line.Split("calls=")[1].Split(',')[0]);
        }

        return calls;
    }

    private async Task RejoinAsync(RedisServer victim)
    {
        // The killed master comes back with its nodes.conf and joins as a replica of the node that replaced it.
        await victim.RestartAsync();
        await fixture.RedisCluster.WaitHealthyAsync();
    }

    private static int Count(List<Call> calls, Func<Call, bool> predicate)
    {
        lock (calls)
        {
            return calls.Count(predicate);
        }
    }

    private async Task<List<string>> MissingSessionsAsync(IEnumerable<string> ids)
    {
        var redis = fixture.RedisConnection.GetDatabase();
        var missing = new List<string>();
        foreach (var id in ids)
        {
            if (!await redis.KeyExistsAsync($"or:session:{{{SessionIds.Hash(id)}}}"))
            {
                missing.Add(id);
            }
        }

        return missing;
    }

    private static async Task<int> CountMissingAsync(IDatabase redis, IEnumerable<RedisKey> keys)
    {
        var missing = 0;
        foreach (var key in keys)
        {
            // Right after the failover the multiplexer may still route a slot to the killed master: retry the read
            // (it changes nothing) until the new slot map answers it.
            var exists = await Eventually.SucceedsAsync(() => redis.KeyExistsAsync(key), TimeSpan.FromSeconds(30), $"EXISTS {key} answers after the failover");
            missing += exists ? 0 : 1;
        }

        return missing;
    }

    /// <summary>Finds <paramref name="count"/> fresh ids whose key (as <paramref name="key"/> builds it) lives on <paramref name="master"/>.</summary>
    private async Task<List<string>> NamesOnMasterAsync(string prefix, int count, Func<string, string> key, RedisServer master)
    {
        var slots = await fixture.RedisCluster.SlotsOfAsync(master);
        var names = new List<string>();
        while (names.Count < count)
        {
            var name = $"{prefix}-{Guid.NewGuid():N}";
            var slot = fixture.RedisConnection.HashSlot(key(name));
            if (slots.Any(range => slot >= range.From && slot <= range.To))
            {
                names.Add(name);
            }
        }

        return names;
    }

    private sealed record Call(int Kind, TimeSpan Started, TimeSpan Duration, string Outcome);

    /// <summary>Two silos on a Redis Cluster whose nodes are replaced 2 s after they stop answering.</summary>
    public sealed class Fixture() : TestClusterFixture("failover")
    {
        /// <inheritdoc />
        protected override bool OnRedisCluster => true;

        /// <inheritdoc />
        protected override TimeSpan RedisClusterNodeTimeout => TimeSpan.FromSeconds(2);

        /// <inheritdoc />
        protected override IReadOnlyDictionary<string, string> Settings => RateLimitTestPolicies.Configuration;
    }
}
