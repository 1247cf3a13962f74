using System.Globalization;
using Orleans.Core.Internal;
using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.Queues;
using OrleansRedis.Grains.Queues;
using OrleansRedis.Redis;
using OrleansRedis.Redis.Queues;
using OrleansRedis.Testing;

namespace OrleansRedis.Tests.Queues;

/// <summary>
/// Dispatch and bookkeeping under faults and limits: dispatch restarts after a failed lease, a freed MaxConcurrency slot
/// wakes dispatch, handler results that are not JSON or too large, bulk validation and rollback, release, revoked keys,
/// epoch fencing.
/// </summary>
[Collection(QueueClusterCollection.Name)]
public sealed class QueueDispatchTests(QueueClusterFixture fixture)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task LeaseFailsDuringDispatch_TimerRestartsDispatch_JobsStillRun()
    {
        var queue = fixture.Queue(QueueClusterFixture.HandledSingle);
        await fixture.Grains.GetGrain<IQueuePartitionGrain>($"{QueueClusterFixture.HandledSingle}#0").PingAsync();
        var prefix = fixture.PartitionPrefix(QueueClusterFixture.HandledSingle, 0);

        // The high-priority stream replaced by a string: every lease script fails (WRONGTYPE) as it would on a Redis blip.
        await fixture.Database.KeyDeleteAsync(prefix + "s:h");
        await fixture.Database.StringSetAsync(prefix + "s:h", "broken");
        string id;
        try
        {
            var failures = await WrongTypeErrorsAsync();
            id = (await queue.EnqueueAsync(new JobSpec("1"))).JobId;
            await Eventually.TrueAsync(async () => await WrongTypeErrorsAsync() > failures, Long, "the dispatch's lease failed");
            Assert.Equal(JobState.Waiting, (await queue.GetJobAsync(id))!.State);
        }
        finally
        {
            await fixture.Database.KeyDeleteAsync(prefix + "s:h");
        }

        // Nothing signals the partition again (no enqueue, no completion, no lease to expire): only its timer can.
        await Eventually.TrueAsync(async () => (await queue.GetJobAsync(id))?.State == JobState.Completed, Long, "the job ran after Redis recovered");
    }

    private async Task<long> WrongTypeErrorsAsync()
    {
        var info = (string)(await fixture.Database.ExecuteAsync("INFO", "errorstats"))!;
        var match = System.Text.RegularExpressions.Regex.Match(info, @"errorstat_WRONGTYPE:count=(\d+)");
        return match.Success ? long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    [Fact]
    public async Task MaxConcurrencyCap_FreedSlotsWakeDispatch_AllJobsRunNeverMoreThanTheCap()
    {
        var queue = fixture.Queue(QueueClusterFixture.CappedActive);
        var results = await queue.EnqueueManyAsync([.. Enumerable.Range(0, 10).Select(i => new JobSpec($$"""{"n":{{i}},"ms":20}"""))]);
        var ids = results.Select(r => r.JobId).ToHashSet();

        // Without a wake-up on freed slots each pair of jobs would wait for the partition's 10 s fallback timer.
        await Eventually.TrueAsync(
            async () => (await Task.WhenAll(ids.Select(queue.GetJobAsync))).All(j => j?.State == JobState.Completed), TimeSpan.FromSeconds(25), "every job completed");
        var runs = QueueClusterFixture.Recorder.Of(QueueClusterFixture.CappedActive).Where(r => ids.Contains(r.JobId)).OrderBy(r => r.Started).ToList();
        var most = runs.Max(r => runs.Count(o => o.Started <= r.Started && o.Finished > r.Started));
        Assert.InRange(most, 1, 2);
    }

    [Fact]
    public async Task RateLimitPolicy_ExternalLeasesAcrossPartitions_StartAtMostTheLimitPerWindow()
    {
        // Policy qrate: 5 per 10 minutes, shared by both partitions (on whichever silos they live).
        var queue = fixture.Queue(QueueClusterFixture.Rated);
        var ids = (await queue.EnqueueManyAsync([.. Enumerable.Range(0, 12).Select(i => new JobSpec(i.ToString(CultureInfo.InvariantCulture)))])).Select(r => r.JobId).ToList();
        var leased = new List<LeasedJob>();
        for (var i = 0; i < 4; i++)
        {
            leased.AddRange(await queue.LeaseAsync("rated", 10, TimeSpan.FromMinutes(1), TimeSpan.Zero));
        }

        Assert.Equal(5, leased.Count);
        Assert.All(leased, job => Assert.Contains(job.Id, ids));
        var stats = await queue.GetStatsAsync();
        Assert.Equal(5, stats.Active);
        Assert.Equal(7, stats.Waiting);

        // A long poll on the spent limit waits out its time rather than answering a job.
        Assert.Empty(await queue.LeaseAsync("rated", 10, TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task RateLimitPolicy_InSiloDispatch_StartsAtMostTheLimit_TheRestStayWaiting()
    {
        // Policy qrateh: 4 per 10 minutes.
        var queue = fixture.Queue(QueueClusterFixture.RatedHandled);
        await queue.EnqueueManyAsync([.. Enumerable.Range(0, 10).Select(i => new JobSpec(i.ToString(CultureInfo.InvariantCulture)))]);
        await Eventually.TrueAsync(async () => (await queue.GetStatsAsync()).Completed >= 4, Long, "4 jobs completed");
        Assert.Empty(await queue.LeaseAsync("ratedh", 10, TimeSpan.FromMinutes(1), TimeSpan.Zero));
        var stats = await queue.GetStatsAsync();
        Assert.Equal(4, stats.Completed);
        Assert.Equal(6, stats.Waiting);
        Assert.Equal(4, QueueClusterFixture.Recorder.Of(QueueClusterFixture.RatedHandled).Select(r => r.JobId).Distinct().Count());
    }

    [Theory]
    [InlineData("0 3 * * *", "2020-01-01T00:00:00Z", "2026-06-15T12:00:00Z", "2026-06-15T03:00:00Z")]
    [InlineData("* * * * *", "2000-01-01T00:00:00Z", "2026-06-15T12:00:30Z", "2026-06-15T12:00:00Z")]
    [InlineData("0 0 1 1 *", "2020-06-01T00:00:00Z", "2026-06-15T12:00:00Z", "2026-01-01T00:00:00Z")]
    [InlineData("0 3 * * *", "2026-06-15T03:00:00Z", "2026-06-15T12:00:00Z", null)]
    public void ScheduleLatestDue_AfterALongOutage_IsTheLatestMissedTick(string cron, string after, string now, string? expected)
    {
        var clock = QueueScheduleClock.Create("q", new RecurringSchedule("s", cron, null, null, "{}"));

        var due = clock.LatestDue(DateTimeOffset.Parse(after, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(), DateTimeOffset.Parse(now, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds());

        Assert.Equal(expected is null ? null : DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(), due);
    }

    [Theory]
    // A failover of a few seconds on a 1 s interval: every missed tick, oldest first.
    [InlineData(null, 1000L, "2026-06-15T12:00:00Z", "2026-06-15T12:00:03.500Z", 300_000L, 1000, "12:00:01,12:00:02,12:00:03", false)]
    // Missed ticks older than the window are dropped; those within it run.
    [InlineData("* * * * *", 0L, "2026-06-15T11:00:00Z", "2026-06-15T12:00:30Z", 120_000L, 1000, "11:59:00,12:00:00", false)]
    // An outage longer than the window with no tick inside it: only the latest missed one.
    [InlineData("0 3 * * *", 0L, "2026-06-10T03:00:00Z", "2026-06-15T12:00:00Z", 300_000L, 1000, "03:00:00", false)]
    // Window zero: only the latest missed tick.
    [InlineData(null, 1000L, "2026-06-15T12:00:00Z", "2026-06-15T12:00:03.500Z", 0L, 1000, "12:00:03", false)]
    // More due than one bulk: the oldest first, the rest left for the next wake-up.
    [InlineData(null, 1000L, "2026-06-15T12:00:00Z", "2026-06-15T12:00:05Z", 300_000L, 2, "12:00:01,12:00:02", true)]
    // Nothing due yet.
    [InlineData(null, 1000L, "2026-06-15T12:00:00Z", "2026-06-15T12:00:00.900Z", 300_000L, 1000, "", false)]
    public void ScheduleDueTicks_AfterAnOutage_EveryMissedTickInTheCatchUpWindow(
        string? cron, long intervalMs, string last, string now, long catchUpMs, int max, string expected, bool expectedMore)
    {
        var clock = QueueScheduleClock.Create("q", new RecurringSchedule("s", cron, null, cron is null ? TimeSpan.FromMilliseconds(intervalMs) : null, "{}"));
        var nowAt = DateTimeOffset.Parse(now, CultureInfo.InvariantCulture);

        var ticks = clock.DueTicks(DateTimeOffset.Parse(last, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(), nowAt.ToUnixTimeMilliseconds(), catchUpMs, max, out var more);

        // Expected ticks are times of now's day (UTC).
        var day = nowAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var wanted = expected.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(t => DateTimeOffset.Parse($"{day}T{t}Z", CultureInfo.InvariantCulture).ToUnixTimeMilliseconds()).ToList();
        Assert.Equal(wanted, ticks);
        Assert.Equal(expectedMore, more);
    }

    [Fact]
    public async Task LeaseCancelledAfterTheJobWasLeased_JobReleasedNotStranded_NextLeaseIsAttemptOne()
    {
        var queue = fixture.Queue(QueueClusterFixture.Single);
        var id = (await queue.EnqueueAsync(new JobSpec("1"))).JobId;
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        // The lease call itself never carries the token, so it leases the job; the cancellation seen after it releases it.
        var answered = await queue.LeaseAsync("stopping", 100, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(5), TimeProvider.System, cancelled.Token);
        var job = await queue.GetJobAsync(id);
        var again = await QueueLeases.LeaseOneAsync(queue, id);
        await queue.CompleteAsync(id, again.LeaseToken);

        Assert.Empty(answered);
        Assert.Equal((JobState.Waiting, 0), (job!.State, job.Attempts));
        Assert.Equal(1, again.Attempt);
    }

    [Fact]
    public async Task HandlerResult_NotJson_KeptAsAJsonString_TooLarge_FailsWithAClearError()
    {
        var queue = fixture.Queue(QueueClusterFixture.HandledSingle);
        var text = (await queue.EnqueueAsync(new JobSpec("""{"raw":"ok"}"""))).JobId;
        var big = (await queue.EnqueueAsync(new JobSpec("""{"big":70000}""", MaxAttempts: 1))).JobId;

        var done = await Eventually.SucceedsAsync(
            async () => await queue.GetJobAsync(text) is { State: JobState.Completed } j ? j : throw new InvalidOperationException("not completed"), Long, "the text result");
        var dead = await Eventually.SucceedsAsync(
            async () => await queue.GetJobAsync(big) is { State: JobState.Dead } j ? j : throw new InvalidOperationException("not dead"), Long, "the oversized result");

        // One run each: a refused completion would have been redelivered after every lease.
        Assert.Equal(("\"ok\"", 1), (done.Result, done.Attempts));
        Assert.Contains("MaxPayloadBytes", dead.LastError, StringComparison.Ordinal);
        Assert.Single(QueueClusterFixture.Recorder.Of(QueueClusterFixture.HandledSingle), r => r.JobId == text);
        Assert.Single(QueueClusterFixture.Recorder.Of(QueueClusterFixture.HandledSingle), r => r.JobId == big);
    }

    [Fact]
    public async Task BulkOfUnkeyedJobs_SpreadOverPartitions_FitsTheirShares()
    {
        var queue = fixture.Queue(QueueClusterFixture.CappedPair);

        // MaxDepth 4 over 2 partitions: 3 jobs fit only when they do not all go to one partition.
        var results = await queue.EnqueueManyAsync([.. Enumerable.Range(0, 3).Select(i => new JobSpec($"{i}", Delay: TimeSpan.FromHours(1)))]);

        Assert.Equal(3, results.Select(r => r.JobId).Distinct().Count());
        await Task.WhenAll(results.Select(r => queue.CancelAsync(r.JobId)));
        Assert.Equal(0, (await queue.GetStatsAsync()).Depth);
    }

    [Fact]
    public async Task BulkWithARefusedShare_WrittenSharesTakenBack_IdempotencyKeysFreeForTheRetry()
    {
        var queue = fixture.Queue(QueueClusterFixture.CappedPair);
        var tag = Guid.NewGuid().ToString("N");
        var idem0 = KeyOf(0, $"{tag}-a");
        var idem1 = KeyOf(1, $"{tag}-b");
        var fillers = await queue.EnqueueManyAsync([.. Enumerable.Range(0, 2).Select(i => new JobSpec($"{i}", Key: KeyOf(1, $"{tag}-f{i}"), Delay: TimeSpan.FromHours(1)))]);
        JobSpec[] bulk = [new JobSpec("\"a\"", IdempotencyKey: idem0), new JobSpec("\"b\"", IdempotencyKey: idem1)];
        var before = await queue.GetStatsAsync();

        Assert.Equal(QueueErrorCode.QueueFull, (await Assert.ThrowsAsync<QueueException>(() => queue.EnqueueManyAsync(bulk))).Code);
        var refused = await queue.GetStatsAsync();
        Assert.Equal((before.Depth, before.Enqueued, before.Cancelled), (refused.Depth, refused.Enqueued, refused.Cancelled));

        // The client retries the same bulk once there is room: both jobs are new, none answers a job taken back.
        await Task.WhenAll(fillers.Select(r => queue.CancelAsync(r.JobId)));
        var retried = await queue.EnqueueManyAsync(bulk);
        Assert.All(retried, r => Assert.False(r.Deduplicated));
        Assert.All(await Task.WhenAll(retried.Select(r => queue.GetJobAsync(r.JobId))), j => Assert.Equal(JobState.Waiting, j!.State));
        await Task.WhenAll(retried.Select(r => queue.CancelAsync(r.JobId)));
    }

    [Fact]
    public async Task BulkWithOneBadJob_RefusedBeforeAnyShareIsWritten()
    {
        var queue = fixture.Queue(QueueClusterFixture.CappedPair);
        var tag = Guid.NewGuid().ToString("N");
        var before = await queue.GetStatsAsync();
        JobSpec[] bulk = [new JobSpec("1", IdempotencyKey: KeyOf(0, $"{tag}-a")), new JobSpec("2", IdempotencyKey: KeyOf(1, $"{tag}-b")), new JobSpec("{bad", IdempotencyKey: KeyOf(1, $"{tag}-c"))];

        var error = await Assert.ThrowsAsync<QueueException>(() => queue.EnqueueManyAsync(bulk));

        Assert.Equal((QueueErrorCode.Invalid, "[2].payload"), (error.Code, error.Field));
        Assert.StartsWith("Job 2:", error.Message, StringComparison.Ordinal);
        var after = await queue.GetStatsAsync();
        Assert.Equal((before.Enqueued, before.Cancelled, before.Depth), (after.Enqueued, after.Cancelled, after.Depth));
    }

    [Fact]
    public async Task Release_HandsTheJobBackUnrun_AttemptNotCounted_KeyKept()
    {
        var queue = fixture.Queue(QueueClusterFixture.Single);
        var key = $"release-{Guid.NewGuid():N}";
        var first = (await queue.EnqueueAsync(new JobSpec("1", Key: key, MaxAttempts: 1))).JobId;
        var lease = await QueueLeases.LeaseOneAsync(queue, first);
        var second = (await queue.EnqueueAsync(new JobSpec("2", Key: key))).JobId;

        await queue.ReleaseAsync(first, lease.LeaseToken);

        // Back at once, on its only attempt, still ahead of the next job of its key; the old token is stale.
        var again = await QueueLeases.LeaseOneAsync(queue, first, unexpected: second);
        Assert.Equal(1, again.Attempt);
        Assert.Equal(QueueErrorCode.LeaseLost, (await Assert.ThrowsAsync<QueueException>(() => queue.ReleaseAsync(first, lease.LeaseToken))).Code);
        await queue.CompleteAsync(first, again.LeaseToken);
        await queue.CompleteAsync(second, (await QueueLeases.LeaseOneAsync(queue, second)).LeaseToken);
    }

    [Fact]
    public async Task LeaseOrWait_EndedByItsId_AnswersAtOnce_AlsoWhenTheEndArrivesFirst()
    {
        var partition = fixture.Grains.GetGrain<IQueuePartitionGrain>($"{QueueClusterFixture.Waits}#0");
        var bound = TimeSpan.FromSeconds(10);

        var waitId = Guid.NewGuid();
        var waiting = partition.LeaseOrWaitAsync("test", 1, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60), waitId);
        await partition.EndWaitAsync(waitId);
        Assert.Empty(await waiting.WaitAsync(bound));

        // Calls are not ordered: an end ahead of its wait ends that wait as it starts.
        var early = Guid.NewGuid();
        await partition.EndWaitAsync(early);
        Assert.Empty(await partition.LeaseOrWaitAsync("test", 1, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60), early).WaitAsync(bound));
    }

    [Fact]
    public async Task LongPollOverPartitions_JobEnqueuedDuringTheWait_AnsweredInTheWait_OtherWaitsKeepNothing()
    {
        var queue = fixture.Queue(QueueClusterFixture.Waits);
        var waiting = queue.LeaseAsync("test", 10, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60));

        // Both partitions wait (nothing is ready); the job goes to one of them and comes back in that wait's answer.
        var id = (await queue.EnqueueAsync(new JobSpec("1"))).JobId;
        var leased = Assert.Single(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(id, leased.Id);

        // The other partition's wait does not keep the next job for a caller that is gone: it was ended (or, had it leased
        // the job first, the job was handed back unrun, its attempt not counted).
        var next = (await queue.EnqueueAsync(new JobSpec("2"))).JobId;
        var again = await QueueLeases.LeaseOneAsync(queue, next);
        Assert.Equal(1, again.Attempt);
        Assert.Equal(2, (await queue.GetStatsAsync()).Active);
        await queue.CompleteAsync(id, leased.LeaseToken);
        await queue.CompleteAsync(next, again.LeaseToken);
    }

    [Fact]
    public async Task PartitionReactivated_HandlerJobsOfTheOldEpochRedelivered_DispatchedAtOnceWithoutAnEnqueue()
    {
        var queue = fixture.Queue(QueueClusterFixture.HandledSingle);
        var key = $"react-{Guid.NewGuid():N}";
        // A first run far longer than the test, so that no completion (refused as stale) wakes the new activation.
        var id = (await queue.EnqueueAsync(new JobSpec("""{"ms":60000}""", Key: key, MaxAttempts: 5))).JobId;
        await Eventually.TrueAsync(async () => (await queue.GetJobAsync(id))?.State == JobState.Active, Long, "the handler runs the job");

        // As when the partition's silo dies: the activation goes, its handler's lease stays in Redis with the old epoch.
        var partition = fixture.Grains.GetGrain<IQueuePartitionGrain>($"{QueueClusterFixture.HandledSingle}#0");
        await partition.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await Eventually.SucceedsAsync(async () =>
        {
            await partition.PingAsync();
            return true;
        }, Long, "the partition is reached");
        var reactivated = System.Diagnostics.Stopwatch.StartNew();

        // The new activation sweeps the lease and dispatches the job itself, with nothing else to wake it: not when its
        // timer next fires (QueuePartitionGrain.LongestSleep, 10 s, when no job is due or leased).
        var again = await Eventually.SucceedsAsync(
            async () => await queue.GetJobAsync(id) is { State: JobState.Active, Attempts: 2 } j ? j : throw new InvalidOperationException("not running again"), Long, "the job runs again");
        // Milliseconds when it works; 8 s leaves a loaded machine room and still fails a dispatch left to the timer.
        Assert.True(reactivated.Elapsed < TimeSpan.FromSeconds(8), $"dispatched {reactivated.Elapsed.TotalMilliseconds:0} ms after the reactivation");
        Assert.StartsWith("silo:", again.Worker, StringComparison.Ordinal);
        await queue.CancelAsync(id);
    }

    [Fact]
    public async Task HandlerGrainDeactivated_JobReleased_RunsAgainWithoutUsingAnAttempt()
    {
        var queue = fixture.Queue(QueueClusterFixture.HandledSingle);
        var key = $"deact-{Guid.NewGuid():N}";
        var id = (await queue.EnqueueAsync(new JobSpec("""{"ms":3000}""", Key: key, MaxAttempts: 1))).JobId;
        await Eventually.TrueAsync(async () => (await queue.GetJobAsync(id))?.State == JobState.Active, Long, "the handler runs the job");

        // As on a silo shutdown or idle collection: the handler is cancelled mid-job.
        await fixture.Grains.GetGrain<IQueueHandlerGrain>($"{QueueClusterFixture.HandledSingle}#0/k/{key}")
            .Cast<IGrainManagementExtension>().DeactivateOnIdle();

        // Its only attempt was not used up: it ran again and completed (a failed attempt would have made it dead).
        var done = await Eventually.SucceedsAsync(
            async () => await queue.GetJobAsync(id) is { State: JobState.Completed or JobState.Dead } j ? j : throw new InvalidOperationException("running"), Long, "the job finished");
        Assert.Equal((JobState.Completed, 1), (done.State, done.Attempts));
    }

    [Fact]
    public async Task CancelOfARunningKeyedJob_KeyHeldUntilTheStaleHolderIsRefused()
    {
        var queue = fixture.Queue(QueueClusterFixture.Single);
        var key = $"revoke-{Guid.NewGuid():N}";
        var a = (await queue.EnqueueAsync(new JobSpec("1", Key: key))).JobId;
        var lease = await QueueLeases.LeaseOneAsync(queue, a);
        var b = (await queue.EnqueueAsync(new JobSpec("2", Key: key))).JobId;

        Assert.Equal(JobState.Cancelled, (await queue.CancelAsync(a))!.State);

        // A's worker may still be running it (it learns of the cancel only when it reports): B must not start yet.
        foreach (var job in await queue.LeaseAsync("test", 100, TimeSpan.FromSeconds(60), TimeSpan.Zero))
        {
            Assert.NotEqual(b, job.Id);
            await queue.CompleteAsync(job.Id, job.LeaseToken);
        }

        Assert.Equal(JobState.Waiting, (await queue.GetJobAsync(b))!.State);
        Assert.Equal(QueueErrorCode.LeaseLost, (await Assert.ThrowsAsync<QueueException>(() => queue.CompleteAsync(a, lease.LeaseToken))).Code);

        // The refused report proves A's holder stopped: the key passes to B.
        await queue.CompleteAsync(b, (await QueueLeases.LeaseOneAsync(queue, b)).LeaseToken);
    }

    [Fact]
    public void CoalescedEnqueues_SplitIntoScriptsBoundedByJobsAndBytes()
    {
        static IReadOnlyList<QueueJobDraft> Group(int jobs, int payload) =>
            [.. Enumerable.Range(0, jobs).Select(_ => new QueueJobDraft("0-x", new string('1', payload), null, 1, 0, 0, null, 1, 0))];

        // 64 full bulks (the coalescer's most requests) would be 64,000 jobs in one script.
        var bulks = QueuePartitionGrain.ScriptChunks([.. Enumerable.Range(0, 64).Select(_ => Group(1000, 1))], QueuePartitionGrain.MaxScriptJobs, QueuePartitionGrain.MaxScriptBytes);
        var small = QueuePartitionGrain.ScriptChunks([.. Enumerable.Range(0, 10).Select(_ => Group(100, 1))], QueuePartitionGrain.MaxScriptJobs, QueuePartitionGrain.MaxScriptBytes);
        var large = QueuePartitionGrain.ScriptChunks([.. Enumerable.Range(0, 3).Select(_ => Group(10, 60_000))], QueuePartitionGrain.MaxScriptJobs, QueuePartitionGrain.MaxScriptBytes);

        Assert.Equal(64, bulks.Count);
        Assert.All(bulks, c => Assert.Single(c));
        Assert.Single(small);
        Assert.Equal([1, 1, 1], large.Select(c => c.Count));
    }

    [Fact]
    public async Task EpochBumpedByAnotherActivation_StaleOneRefusesToLeaseAndGoesAway()
    {
        var queue = fixture.Queue(QueueClusterFixture.Single);
        await fixture.Grains.GetGrain<IQueuePartitionGrain>($"{QueueClusterFixture.Single}#0").PingAsync();
        var epochKey = fixture.PartitionPrefix(QueueClusterFixture.Single, 0) + "epoch";
        var taken = await fixture.Database.StringIncrementAsync(epochKey, 1000);

        // As if a duplicate activation had started: the current one is stale, so its lease script refuses.
        var fenced = await Assert.ThrowsAsync<QueueException>(() => queue.LeaseAsync("test", 1, TimeSpan.FromSeconds(60), TimeSpan.Zero));
        Assert.Equal(QueueErrorCode.Unavailable, fenced.Code);

        // The stale activation deactivated; the next call reaches a new one with a newer epoch, which leases.
        var id = (await queue.EnqueueAsync(new JobSpec("1", Key: $"fence-{Guid.NewGuid():N}"))).JobId;
        var job = await QueueLeases.LeaseOneAsync(queue, id);
        Assert.True((long)await fixture.Database.StringGetAsync(epochKey) > taken);
        Assert.StartsWith($"{(long)await fixture.Database.StringGetAsync(epochKey)}.", job.LeaseToken, StringComparison.Ordinal);
        await queue.CompleteAsync(id, job.LeaseToken);
    }

    [Fact]
    public async Task PartitionCount_RecordedInRedis_AnotherCountRefusedNamingTheSetting()
    {
        var keeper = fixture.FromEachSilo<QueueKeeper>()[0];
        var key = fixture.FromEachSilo<RedisKeys>()[0].QueuePartitionCount(QueueClusterFixture.CappedPair);
        Assert.Equal(2, (int)await fixture.Database.StringGetAsync(key)); // recorded when the silos started

        // As if the silos started with Partitions = 2 over jobs spread across 3 partitions.
        await fixture.Database.StringSetAsync(key, 3);
        try
        {
            var error = await Assert.ThrowsAsync<OptionsValidationException>(keeper.CheckPartitionCountsAsync);
            Assert.Contains($"OrleansRedis:Queues:Definitions:{QueueClusterFixture.CappedPair}:Partitions is 2", error.Message, StringComparison.Ordinal);
            Assert.Single(error.Failures);
        }
        finally
        {
            await fixture.Database.StringSetAsync(key, 2);
        }

        await keeper.CheckPartitionCountsAsync();
    }

    [Fact]
    public async Task DeadSiloSweep_RedeliversOnlyThatSilosHandlerLeases()
    {
        var queue = fixture.Queue(QueueClusterFixture.Single);
        var store = fixture.FromEachSilo<QueueStore>()[0];
        var keys = store.Partition(QueueClusterFixture.Single, 0);
        var limits = new QueuePartitionLimits(1000, 60_000, 3_600_000, 3_600_000, 100, 1000, 0);
        await fixture.Grains.GetGrain<IQueuePartitionGrain>($"{QueueClusterFixture.Single}#0").PingAsync();
        var epoch = (long)await fixture.Database.StringGetAsync(fixture.PartitionPrefix(QueueClusterFixture.Single, 0) + "epoch");
        var tag = Guid.NewGuid().ToString("N");
        var onDead = (await queue.EnqueueAsync(new JobSpec("1", Key: $"{tag}-dead"))).JobId;
        var deadLease = await Eventually.SucceedsAsync(
            async () => (await store.LeaseAsync(keys, limits, QueueClusterFixture.Single, 10, 60_000, silo: true, "silo:dead", epoch)).Jobs.Single(j => j.Id == onDead),
            Long, "the dead silo's lease");
        var onLive = (await queue.EnqueueAsync(new JobSpec("2", Key: $"{tag}-live"))).JobId;
        var liveLease = await Eventually.SucceedsAsync(
            async () => (await store.LeaseAsync(keys, limits, QueueClusterFixture.Single, 10, 60_000, silo: true, "silo:live", epoch)).Jobs.Single(j => j.Id == onLive),
            Long, "the live silo's lease");

        var outcome = await store.MaintainAsync(keys, limits, sweepEpoch: 0, epoch, "silo:dead");

        Assert.Contains(onDead, outcome.Redelivered);
        Assert.DoesNotContain(onLive, outcome.Redelivered);
        var again = await QueueLeases.LeaseOneAsync(queue, onDead);
        Assert.Equal(2, again.Attempt);
        Assert.Equal(QueueErrorCode.LeaseLost, (await Assert.ThrowsAsync<QueueException>(() => queue.CompleteAsync(onDead, deadLease.LeaseToken))).Code);
        await queue.CompleteAsync(onLive, liveLease.LeaseToken);
        await queue.CompleteAsync(onDead, again.LeaseToken);
    }

    [Fact]
    public async Task RunAtUtc_ThreeSecondsAheadOnRedisClock_DelayedUntilThenOnRedisClock_ThenLeased()
    {
        var queue = fixture.Queue(QueueClusterFixture.Single);
        var runAt = (await Locks.RedisClock.NowAsync(fixture.Database)).AddSeconds(3);
        runAt = DateTimeOffset.FromUnixTimeMilliseconds(runAt.ToUnixTimeMilliseconds());
        var id = (await queue.EnqueueAsync(new JobSpec("1", Key: $"at-{Guid.NewGuid():N}", RunAtUtc: runAt))).JobId;

        // The run-at time goes to Redis as it is (not as a delay from the silo's clock): the job keeps it and is not
        // leased while Redis's clock is before it.
        var waiting = (await queue.GetJobAsync(id))!;
        var early = await queue.LeaseAsync("test", 10, TimeSpan.FromSeconds(60), TimeSpan.Zero);
        var afterEarly = await Locks.RedisClock.NowAsync(fixture.Database);
        var job = await QueueLeases.LeaseOneAsync(queue, id);
        var started = (await queue.GetJobAsync(id))!.StartedAtUtc;
        await queue.CompleteAsync(id, job.LeaseToken);

        Assert.Equal((JobState.Delayed, runAt), (waiting.State, waiting.RunAtUtc));
        if (afterEarly < runAt)
        {
            Assert.DoesNotContain(early, j => j.Id == id);
        }

        Assert.True(started >= runAt, $"started at {started:O}, before its run-at time {runAt:O} on Redis's clock");
    }

    // A routing key (job key or idempotency key) of the pair queue's partition p.
    private static string KeyOf(int p, string seed) =>
        Enumerable.Range(0, 1000).Select(i => $"{seed}-{i}").First(k => QueueIds.PartitionOf(k, 2) == p);
}
