using System.Diagnostics;
using Orleans.Core.Internal;
using OrleansRedis.Abstractions.Queues;
using OrleansRedis.Redis.Queues;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Locks;
using StackExchange.Redis;

namespace OrleansRedis.Tests.Queues;

/// <summary>
/// The queue's semantics against real Redis and two silos: exactly-once completion without failures, retries then dead
/// letters, per-key order with parallelism across keys, delayed jobs, idempotency, pause, fencing, epochs, cancel,
/// long-poll wake-up, bulk enqueue, backpressure, retention and recovery from lost consumer groups; run on one
/// redis-server and on a Redis Cluster.
/// </summary>
public abstract class QueueContractTests(QueueClusterFixture fixture)
{
    /// <summary>The queue contract on one redis-server.</summary>
    [Collection(QueueClusterCollection.Name)]
    public sealed class OnRedis(QueueClusterFixture fixture) : QueueContractTests(fixture);

    /// <summary>The queue contract on a Redis Cluster of three masters and three replicas.</summary>
    [Collection(QueueOnRedisClusterCollection.Name)]
    public sealed class OnRedisCluster(QueueOnRedisClusterFixture fixture) : QueueContractTests(fixture);

    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task EnqueuedJobs_NothingFails_EachHandledAndCompletedExactlyOnce()
    {
        var queue = fixture.Queue(QueueClusterFixture.Handled);
        var jobs = Enumerable.Range(0, 300).Select(i => new JobSpec($$"""{"n":{{i}}}""", Key: i % 3 == 0 ? $"once-{i % 30}" : null)).ToList();

        var results = await queue.EnqueueManyAsync(jobs);
        var ids = results.Select(r => r.JobId).ToHashSet();

        await Eventually.TrueAsync(
            async () => (await Task.WhenAll(ids.Select(queue.GetJobAsync))).All(j => j?.State == JobState.Completed), Long, "every job completed");
        var runs = QueueClusterFixture.Recorder.Of(QueueClusterFixture.Handled).Where(r => ids.Contains(r.JobId)).ToList();
        Assert.Equal(300, ids.Count);
        Assert.Equal(ids.Order(), runs.Select(r => r.JobId).Order());
    }

    [Fact]
    public async Task FailingJob_RetriedWithBackoffThenDead_LastErrorKept_RetryAndPurgeWork()
    {
        var queue = fixture.Queue(QueueClusterFixture.External);
        var key = $"fail-{Guid.NewGuid():N}";
        var id = (await queue.EnqueueAsync(new JobSpec("\"x\"", Key: key))).JobId;

        var outcomes = new List<JobFailResult>();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var job = await LeaseOneAsync(queue, id);
            Assert.Equal(attempt, job.Attempt);
            outcomes.Add(await queue.FailAsync(id, job.LeaseToken, $"boom {attempt}"));
        }

        Assert.Equal([JobState.Failed, JobState.Failed, JobState.Dead], outcomes.Select(o => o.State));
        var info = await queue.GetJobAsync(id);
        Assert.Equal((JobState.Dead, 3, "boom 3"), (info!.State, info.Attempts, info.LastError));
        var dead = Assert.Single(await queue.GetDeadAsync(1000), d => d.Id == id);
        Assert.Equal(("boom 3", 3), (dead.Error, dead.Attempts));

        Assert.True(await queue.RetryDeadAsync(id));
        var again = await LeaseOneAsync(queue, id);
        Assert.Equal(1, again.Attempt);
        await queue.CompleteAsync(id, again.LeaseToken);
        Assert.Equal(JobState.Completed, (await queue.GetJobAsync(id))!.State);
    }

    [Fact]
    public async Task PerKeyOrder_50KeysOf20Jobs_OneAtATimeInEnqueueOrder_DifferentKeysOverlap()
    {
        var queue = fixture.Queue(QueueClusterFixture.Ordered);
        var prefix = Guid.NewGuid().ToString("N")[..6];
        var jobs = (from n in Enumerable.Range(0, 20) from k in Enumerable.Range(0, 50) select new JobSpec($$"""{"n":{{n}},"ms":2}""", Key: $"{prefix}-{k}")).ToList();
        var results = new List<EnqueueResult>();
        foreach (var chunk in jobs.Chunk(250))
        {
            results.AddRange(await queue.EnqueueManyAsync(chunk));
        }

        var ids = results.Select(r => r.JobId).ToHashSet();
        await Eventually.TrueAsync(
            () => Task.FromResult(QueueClusterFixture.Recorder.Of(QueueClusterFixture.Ordered).Count(r => ids.Contains(r.JobId)) >= 1000), Long, "1000 jobs ran");

        var runs = QueueClusterFixture.Recorder.Of(QueueClusterFixture.Ordered).Where(r => ids.Contains(r.JobId)).ToList();
        foreach (var perKey in runs.GroupBy(r => r.Key))
        {
            var ordered = perKey.OrderBy(r => r.Started).ToList();
            Assert.Equal(Enumerable.Range(0, 20), ordered.Select(r => r.N));
            for (var i = 1; i < ordered.Count; i++)
            {
                Assert.True(ordered[i].Started >= ordered[i - 1].Finished, $"key {perKey.Key}: job {ordered[i].N} started before job {ordered[i - 1].N} finished");
            }
        }

        // Parallelism across keys: some runs of different keys overlapped in time (serial execution would show none).
        var all = runs.OrderBy(r => r.Started).ToList();
        var overlaps = all.Zip(all.Skip(1)).Count(p => p.Second.Started < p.First.Finished && p.First.Key != p.Second.Key);
        Assert.True(overlaps > 10, $"only {overlaps} overlapping runs of different keys");
    }

    [Fact]
    public async Task DelayedJob_IsNotLeasedBeforeItsTimeByRedisClock()
    {
        var queue = fixture.Queue(QueueClusterFixture.Single);
        var id = (await queue.EnqueueAsync(new JobSpec("1", Key: $"delay-{Guid.NewGuid():N}", Delay: TimeSpan.FromMilliseconds(1500)))).JobId;
        var enqueued = await queue.GetJobAsync(id);
        Assert.Equal(JobState.Delayed, enqueued!.State);

        var job = await LeaseOneAsync(queue, id);

        // Both times are Redis's: the lease could not start before the job's run-at time (a wrong promotion would show
        // a start right after the enqueue).
        var info = await queue.GetJobAsync(id);
        Assert.True(info!.StartedAtUtc >= enqueued.EnqueuedAtUtc.AddMilliseconds(1500), $"started {info.StartedAtUtc:O}, enqueued {enqueued.EnqueuedAtUtc:O}");
        await queue.CompleteAsync(id, job.LeaseToken);
    }

    [Fact]
    public async Task IdempotencyKey_SecondEnqueue_AnswersTheFirstJobAndEnqueuesNothing()
    {
        var queue = fixture.Queue(QueueClusterFixture.External);
        var idem = $"idem-{Guid.NewGuid():N}";
        var before = await queue.GetStatsAsync();

        var first = await queue.EnqueueAsync(new JobSpec("1", IdempotencyKey: idem));
        var second = await queue.EnqueueAsync(new JobSpec("2", IdempotencyKey: idem));
        var bulk = await queue.EnqueueManyAsync([new JobSpec("3", IdempotencyKey: idem)]);

        Assert.False(first.Deduplicated);
        Assert.Equal((first.JobId, true), (second.JobId, second.Deduplicated));
        Assert.Equal((first.JobId, true), (bulk[0].JobId, bulk[0].Deduplicated));
        var after = await queue.GetStatsAsync();
        Assert.Equal(before.Deduplicated + 2, after.Deduplicated);
        Assert.Equal("1", (await queue.GetJobAsync(first.JobId))!.Payload);
        await queue.CancelAsync(first.JobId);
    }

    [Fact]
    public async Task StaleToken_AfterLeaseExpiryAndReLease_RefusedWithLeaseLost()
    {
        var queue = fixture.Queue(QueueClusterFixture.Single);
        var id = (await queue.EnqueueAsync(new JobSpec("1", Key: $"stale-{Guid.NewGuid():N}"))).JobId;
        var first = await LeaseOneAsync(queue, id, TimeSpan.FromSeconds(1));

        // The partition's timer redelivers at the lease's end; the next lease gets a new token.
        var second = await LeaseOneAsync(queue, id);

        Assert.NotEqual(first.LeaseToken, second.LeaseToken);
        Assert.Equal(2, second.Attempt);
        var complete = await Assert.ThrowsAsync<QueueException>(() => queue.CompleteAsync(id, first.LeaseToken));
        var heartbeat = await Assert.ThrowsAsync<QueueException>(() => queue.HeartbeatAsync(id, first.LeaseToken));
        var fail = await Assert.ThrowsAsync<QueueException>(() => queue.FailAsync(id, first.LeaseToken, "late"));
        Assert.All([complete, heartbeat, fail], e => Assert.Equal(QueueErrorCode.LeaseLost, e.Code));
        Assert.Equal(JobState.Active, (await queue.GetJobAsync(id))!.State);
        await queue.CompleteAsync(id, second.LeaseToken);
        await queue.CompleteAsync(id, second.LeaseToken); // a retried completion with the same token is answered again
        Assert.Equal(JobState.Completed, (await queue.GetJobAsync(id))!.State);
    }

    [Fact]
    public async Task Reactivation_BumpsEpoch_RedeliversSiloLeases_KeepsExternalLeases()
    {
        var queue = fixture.Queue(QueueClusterFixture.Single);
        var store = fixture.FromEachSilo<QueueStore>()[0];
        var keys = store.Partition(QueueClusterFixture.Single, 0);
        var limits = new QueuePartitionLimits(1000, 60_000, 3_600_000, 3_600_000, 100, 1000, 0);
        var ext = (await queue.EnqueueAsync(new JobSpec("\"ext\"", Key: $"epoch-ext-{Guid.NewGuid():N}"))).JobId;
        var extLease = await LeaseOneAsync(queue, ext);
        var siloJob = (await queue.EnqueueAsync(new JobSpec("\"silo\"", Key: $"epoch-silo-{Guid.NewGuid():N}"))).JobId;
        var epochBefore = (long)await fixture.Database.StringGetAsync(fixture.PartitionPrefix(QueueClusterFixture.Single, 0) + "epoch");
        var siloLease = await Eventually.SucceedsAsync(
            async () => (await store.LeaseAsync(keys, limits, QueueClusterFixture.Single, 10, 60_000, silo: true, "old-handler", epochBefore)).Jobs.Single(j => j.Id == siloJob),
            Long, "the silo-kind lease");

        var partition = fixture.Grains.GetGrain<IQueuePartitionGrain>($"{QueueClusterFixture.Single}#0");
        await partition.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await Eventually.TrueAsync(
            async () =>
            {
                await partition.PingAsync();
                return (long)await fixture.Database.StringGetAsync(fixture.PartitionPrefix(QueueClusterFixture.Single, 0) + "epoch") > epochBefore;
            },
            Long, "a new activation bumped the epoch");

        // The silo lease's handler may have died with the old activation: redelivered, its token stale.
        var redelivered = await LeaseOneAsync(queue, siloJob);
        Assert.Equal(2, redelivered.Attempt);
        Assert.Equal(QueueErrorCode.LeaseLost, (await Assert.ThrowsAsync<QueueException>(() => queue.CompleteAsync(siloJob, siloLease.LeaseToken))).Code);

        // An external worker does not depend on silos: its lease survives the reactivation.
        await queue.CompleteAsync(ext, extLease.LeaseToken);
        await queue.CompleteAsync(siloJob, redelivered.LeaseToken);
    }

    [Fact]
    public async Task Cancel_InEachState_RemovesTheJobAndPassesItsKeyOn()
    {
        var queue = fixture.Queue(QueueClusterFixture.Single);
        var key = $"cancel-{Guid.NewGuid():N}";
        var active = (await queue.EnqueueAsync(new JobSpec("1", Key: key))).JobId;
        var activeLease = await LeaseOneAsync(queue, active);
        var parked = (await queue.EnqueueAsync(new JobSpec("2", Key: key))).JobId;
        var next = (await queue.EnqueueAsync(new JobSpec("3", Key: key))).JobId;
        var delayed = (await queue.EnqueueAsync(new JobSpec("5", Key: $"{key}-d", Delay: TimeSpan.FromHours(1)))).JobId;
        var failed = (await queue.EnqueueAsync(new JobSpec("6", Key: $"{key}-f", Backoff: TimeSpan.FromMinutes(4)))).JobId;
        var failedLease = await LeaseOneAsync(queue, failed);
        Assert.Equal(JobState.Failed, (await queue.FailAsync(failed, failedLease.LeaseToken, "later")).State);
        await queue.PauseAsync();
        var waiting = (await queue.EnqueueAsync(new JobSpec("4", Key: $"{key}-w"))).JobId;

        var states = new Dictionary<string, JobState>();
        foreach (var id in new[] { waiting, parked, delayed, failed, active })
        {
            states[id] = (await queue.GetJobAsync(id))!.State;
            Assert.Equal(JobState.Cancelled, (await queue.CancelAsync(id))!.State);
        }

        await queue.ResumeAsync();
        Assert.Equal(
            [JobState.Waiting, JobState.Waiting, JobState.Delayed, JobState.Failed, JobState.Active],
            new[] { waiting, parked, delayed, failed, active }.Select(id => states[id]));

        // The revoked lease is refused; the key passed to the next job (the cancelled parked one was skipped).
        Assert.Equal(QueueErrorCode.LeaseLost, (await Assert.ThrowsAsync<QueueException>(() => queue.CompleteAsync(active, activeLease.LeaseToken))).Code);
        var nextLease = await LeaseOneAsync(queue, next);
        await queue.CompleteAsync(next, nextLease.LeaseToken);

        // Finished: answered as it is. Unknown or malformed: no job.
        Assert.Equal(JobState.Completed, (await queue.CancelAsync(next))!.State);
        Assert.Null(await queue.CancelAsync("0-AAAAAAAAAAAAAAAAAAAAAA"));
        Assert.Null(await queue.CancelAsync("not-an-id"));
        var stats = await queue.GetStatsAsync();
        Assert.True(stats.Cancelled >= 5);
    }

    [Fact]
    public async Task BulkEnqueue_500JobsAcrossPartitions_AnswersOneIdPerJobInOrder()
    {
        var queue = fixture.Queue(QueueClusterFixture.External);
        var tag = Guid.NewGuid().ToString("N");
        var jobs = Enumerable.Range(0, 500).Select(i => new JobSpec($"{i}", Key: i % 2 == 0 ? $"{tag}-{i % 7}" : null, Delay: TimeSpan.FromHours(1))).ToList();

        var results = await queue.EnqueueManyAsync(jobs);

        Assert.Equal(500, results.Select(r => r.JobId).Distinct().Count());
        for (var i = 0; i < 500; i += 97)
        {
            Assert.Equal($"{i}", (await queue.GetJobAsync(results[i].JobId))!.Payload);
        }

        Assert.Contains(results, r => r.JobId.StartsWith("0-", StringComparison.Ordinal));
        Assert.Contains(results, r => r.JobId.StartsWith("1-", StringComparison.Ordinal));
        await Task.WhenAll(results.Select(r => queue.CancelAsync(r.JobId)));
    }

    [Fact]
    public async Task DepthCap_Reached_QueueFullWithRetryAfter_NothingOfTheBulkEnqueued()
    {
        var queue = fixture.Queue(QueueClusterFixture.Capped);
        var first = await queue.EnqueueManyAsync([.. Enumerable.Range(0, 3).Select(i => new JobSpec($"{i}", Delay: TimeSpan.FromHours(1)))]);

        var full = await Assert.ThrowsAsync<QueueException>(() => queue.EnqueueManyAsync([.. Enumerable.Range(0, 3).Select(i => new JobSpec($"{i}"))]));

        Assert.Equal(QueueErrorCode.QueueFull, full.Code);
        Assert.True(full.RetryAfter > TimeSpan.Zero);
        Assert.Equal(3, (await queue.GetStatsAsync()).Depth);
        var fits = await queue.EnqueueManyAsync([new JobSpec("4", Delay: TimeSpan.FromHours(1)), new JobSpec("5", Delay: TimeSpan.FromHours(1))]);
        Assert.Equal(QueueErrorCode.QueueFull, (await Assert.ThrowsAsync<QueueException>(() => queue.EnqueueAsync(new JobSpec("6")))).Code);
        await Task.WhenAll(first.Concat(fits).Select(r => queue.CancelAsync(r.JobId)));
        Assert.Equal(0, (await queue.GetStatsAsync()).Depth);
    }

    [Fact]
    public async Task FinishedJobs_KeptForTheirRetention_ThenExpire()
    {
        var queue = fixture.Queue(QueueClusterFixture.External);
        var done = (await queue.EnqueueAsync(new JobSpec("1", Key: $"ret-{Guid.NewGuid():N}"))).JobId;
        await queue.CompleteAsync(done, (await LeaseOneAsync(queue, done)).LeaseToken);
        var dead = (await queue.EnqueueAsync(new JobSpec("2", Key: $"ret-{Guid.NewGuid():N}", MaxAttempts: 1))).JobId;
        Assert.Equal(JobState.Dead, (await queue.FailAsync(dead, (await LeaseOneAsync(queue, dead)).LeaseToken, "x")).State);

        // Retention 1 h and DeadRetention 7 d (the defaults): a TTL within a minute of them.
        var prefix = fixture.PartitionPrefix(QueueClusterFixture.External, int.Parse(done[..1], System.Globalization.CultureInfo.InvariantCulture));
        var doneTtl = await fixture.Database.KeyTimeToLiveAsync(prefix + "job:" + done);
        var deadPrefix = fixture.PartitionPrefix(QueueClusterFixture.External, int.Parse(dead[..1], System.Globalization.CultureInfo.InvariantCulture));
        var deadTtl = await fixture.Database.KeyTimeToLiveAsync(deadPrefix + "job:" + dead);
        Assert.InRange(doneTtl!.Value, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
        Assert.InRange(deadTtl!.Value, TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(7));
        Assert.Equal(1, await queue.PurgeDeadAsync(DateTimeOffset.UtcNow.AddMinutes(1)) >= 1 ? 1 : 0);
        Assert.DoesNotContain(await queue.GetDeadAsync(1000), d => d.Id == dead);
    }

    [Fact]
    public async Task StreamsLostAsAfterFlushAll_NextLeaseRecreatesTheGroupAndDelivers()
    {
        var queue = fixture.Queue(QueueClusterFixture.Single);
        await fixture.Grains.GetGrain<IQueuePartitionGrain>($"{QueueClusterFixture.Single}#0").PingAsync();
        var prefix = fixture.PartitionPrefix(QueueClusterFixture.Single, 0);
        await fixture.Database.KeyDeleteAsync([prefix + "s:h", prefix + "s:n", prefix + "s:l"]);

        var id = (await queue.EnqueueAsync(new JobSpec("\"after flush\"", Key: $"flush-{Guid.NewGuid():N}"))).JobId;
        var job = await LeaseOneAsync(queue, id);

        await queue.CompleteAsync(id, job.LeaseToken);
        var groups = await fixture.Database.ExecuteAsync("XINFO", "GROUPS", prefix + "s:n");
        Assert.Single((RedisResult[])groups!);
    }

    [Fact]
    public async Task BadInput_RefusedAsInvalidNamingTheField_NothingEnqueued()
    {
        var queue = fixture.Queue(QueueClusterFixture.Capped);
        var cases = new (JobSpec Job, string Field)[]
        {
            (new JobSpec("{not json"), "payload"),
            (new JobSpec(new string('1', 70_000)), "payload"),
            (new JobSpec("1", Priority: (JobPriority)7), "priority"),
            (new JobSpec("1", Delay: TimeSpan.FromSeconds(-1)), "delayMs"),
            (new JobSpec("1", Key: new string('k', QueueLimits.MaxKeyLength + 1)), "key"),
            (new JobSpec("1", IdempotencyKey: "bad\u0001"), "idempotencyKey"),
            (new JobSpec("1", MaxAttempts: 0), "maxAttempts"),
        };

        foreach (var (job, field) in cases)
        {
            var error = await Assert.ThrowsAsync<QueueException>(() => queue.EnqueueAsync(job));
            Assert.Equal((QueueErrorCode.Invalid, field), (error.Code, error.Field));
        }

        Assert.Equal(QueueErrorCode.UnknownQueue, (await Assert.ThrowsAsync<QueueException>(() => fixture.Queue("nope").EnqueueAsync(new JobSpec("1")))).Code);
        Assert.Equal("leaseToken", (await Assert.ThrowsAsync<QueueException>(() => queue.CompleteAsync("0-AAAAAAAAAAAAAAAAAAAAAA", ""))).Field);
        Assert.Equal(0, (await queue.GetStatsAsync()).Depth);
    }

    [Theory]
    [InlineData(QueueClusterFixture.Bench)]
    [InlineData(QueueClusterFixture.BenchEvents)]
    public async Task Throughput_InSiloHandlers_NoOpJobs_Figure(string name)
    {
        var queue = fixture.Queue(name);
        const int Count = 1000;
        var clock = Stopwatch.StartNew();
        var ids = new HashSet<string>();
        foreach (var chunk in Enumerable.Range(0, Count).Chunk(1000))
        {
            foreach (var r in await queue.EnqueueManyAsync([.. chunk.Select(_ => new JobSpec("0"))]))
            {
                ids.Add(r.JobId);
            }
        }

        var enqueued = clock.Elapsed;
        await Eventually.TrueAsync(async () => (await queue.GetStatsAsync()).Completed >= Count, Long, $"{Count} jobs completed");
        var total = clock.Elapsed;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{name}: {Count} no-op jobs: bulk enqueue {Count / enqueued.TotalSeconds:F0}/s, enqueue+process {Count / total.TotalSeconds:F0}/s ({total.TotalMilliseconds:F0} ms)");
        Assert.Equal(Count, ids.Count);
        Assert.Equal(Count, QueueClusterFixture.Recorder.Of(name).Select(r => r.JobId).Where(ids.Contains).Distinct().Count());
    }

    private static Task<LeasedJob> LeaseOneAsync(IQueueGrain queue, string id, TimeSpan? lease = null) => QueueLeases.LeaseOneAsync(queue, id, lease: lease);
}
