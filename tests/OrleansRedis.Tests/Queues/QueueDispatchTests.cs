using OrleansRedis.Abstractions.Queues;
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
            id = (await queue.EnqueueAsync(new JobSpec("1"))).JobId;
            await Eventually.TrueAsync(
                async () => (await queue.GetStatsAsync()).Waiting >= 1, Long, "the job waits while leases fail");
        }
        finally
        {
            await fixture.Database.KeyDeleteAsync(prefix + "s:h");
        }

        // Nothing signals the partition again (no enqueue, no completion, no lease to expire): only its timer can.
        await Eventually.TrueAsync(async () => (await queue.GetJobAsync(id))?.State == JobState.Completed, Long, "the job ran after Redis recovered");
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
}
