using OrleansRedis.Abstractions.Queues;
using static OrleansRedis.Tests.Queues.QueueLeases;

namespace OrleansRedis.Tests.Queues;

/// <summary>
/// A completion that leases the next job in the same call (<see cref="IQueueGrain.CompleteAndLeaseAsync"/>): it passes
/// the key on first (per-key order), obeys MaxConcurrency, leases nothing when its token is refused or it asks for none.
/// Each test has a queue of its own, so no other test's job can be leased.
/// </summary>
[Collection(QueueClusterCollection.Name)]
public sealed class QueueCompleteAndLeaseTests(QueueClusterFixture fixture)
{
    private static readonly TimeSpan LeaseLong = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task CompleteAndLease_KeyedJobs_CompletesAndLeasesTheKeysNextJob_StaleTokenOrNoneWantedLeasesNothing()
    {
        var queue = fixture.Queue(QueueClusterFixture.Chained);
        var key = $"chain-{Guid.NewGuid():N}";
        var first = (await queue.EnqueueAsync(new JobSpec("1", Key: key))).JobId;
        var firstLease = await LeaseOneAsync(queue, first, lease: LeaseLong);
        var second = (await queue.EnqueueAsync(new JobSpec("2", Key: key))).JobId;

        // The second job waits behind its key: the same call completes the first, which passes the key on, then leases.
        var next = await queue.CompleteAndLeaseAsync(first, firstLease.LeaseToken, "\"one\"", "chain-worker", 5, LeaseLong);

        var secondLease = Assert.Single(next);
        Assert.Equal((second, "2", key, 1), (secondLease.Id, secondLease.Payload, secondLease.Key, secondLease.Attempt));
        var done = (await queue.GetJobAsync(first))!;
        Assert.Equal((JobState.Completed, "\"one\""), (done.State, done.Result));
        Assert.Equal(JobState.Active, (await queue.GetJobAsync(second))!.State);

        // A refused token completes nothing and leases nothing: the ready job stays waiting.
        var ready = (await queue.EnqueueAsync(new JobSpec("3", Key: $"{key}-other"))).JobId;
        var refused = await Assert.ThrowsAsync<QueueException>(
            () => queue.CompleteAndLeaseAsync(second, firstLease.LeaseToken, null, "chain-worker", 5, LeaseLong));
        Assert.Equal(QueueErrorCode.LeaseLost, refused.Code);
        Assert.Equal(JobState.Active, (await queue.GetJobAsync(second))!.State);
        Assert.Equal(JobState.Waiting, (await queue.GetJobAsync(ready))!.State);

        // Asking for no job only completes.
        Assert.Empty(await queue.CompleteAndLeaseAsync(second, secondLease.LeaseToken, null, "chain-worker", 0, LeaseLong));
        Assert.Equal(JobState.Completed, (await queue.GetJobAsync(second))!.State);
        Assert.Equal(JobState.Waiting, (await queue.GetJobAsync(ready))!.State);

        // The lease the call makes is an ordinary one: its token completes the job.
        var readyLease = Assert.Single(await queue.CompleteAndLeaseAsync(second, secondLease.LeaseToken, null, "chain-worker", 5, LeaseLong));
        Assert.Equal(ready, readyLease.Id);
        Assert.Empty(await queue.CompleteAndLeaseAsync(ready, readyLease.LeaseToken, null, "chain-worker", 5, LeaseLong));
        Assert.Equal(JobState.Completed, (await queue.GetJobAsync(ready))!.State);
    }

    [Fact]
    public async Task CompleteAndLease_UnderMaxConcurrency_LeasesOnlyTheSlotItFreed()
    {
        var queue = fixture.Queue(QueueClusterFixture.ChainedCapped);
        var tag = Guid.NewGuid().ToString("N");
        var a = (await queue.EnqueueAsync(new JobSpec("\"a\"", Key: $"{tag}-a"))).JobId;
        var aLease = await LeaseOneAsync(queue, a, lease: LeaseLong);
        var b = (await queue.EnqueueAsync(new JobSpec("\"b\"", Key: $"{tag}-b"))).JobId;
        var c = (await queue.EnqueueAsync(new JobSpec("\"c\"", Key: $"{tag}-c"))).JobId;
        Assert.Empty(await queue.LeaseAsync("other", 5, LeaseLong, TimeSpan.Zero)); // the cap of 1 is taken

        var next = await queue.CompleteAndLeaseAsync(a, aLease.LeaseToken, null, "chain-worker", 5, LeaseLong);

        var bLease = Assert.Single(next);
        Assert.Equal(b, bLease.Id);
        Assert.Equal(JobState.Waiting, (await queue.GetJobAsync(c))!.State);
        Assert.Empty(await queue.LeaseAsync("other", 5, LeaseLong, TimeSpan.Zero));
        var cLease = Assert.Single(await queue.CompleteAndLeaseAsync(b, bLease.LeaseToken, null, "chain-worker", 5, LeaseLong));
        Assert.Equal(c, cLease.Id);
        Assert.Empty(await queue.CompleteAndLeaseAsync(c, cLease.LeaseToken, null, "chain-worker", 5, LeaseLong));
        var stats = await queue.GetStatsAsync();
        Assert.Equal((0L, 0L), (stats.Active, stats.Waiting));
    }

    [Fact]
    public async Task CompleteManyAndLease_MixedBatch_AnswersEachCompletion_AndLeasesAfterThem()
    {
        var queue = fixture.Queue(QueueClusterFixture.Chained);
        var partition = fixture.Grains.GetGrain<IQueuePartitionGrain>($"{QueueClusterFixture.Chained}#0");
        var tag = Guid.NewGuid().ToString("N");
        var ids = new List<string>();
        var leases = new List<LeasedJob>();
        foreach (var name in new[] { "a", "b", "c" })
        {
            var id = (await queue.EnqueueAsync(new JobSpec($"\"{name}\"", Key: $"{tag}-{name}"))).JobId;
            ids.Add(id);
            leases.Add(await LeaseOneAsync(queue, id, lease: LeaseLong));
        }

        var next = (await queue.EnqueueAsync(new JobSpec("\"d\"", Key: $"{tag}-d"))).JobId;
        var tooLarge = "\"" + new string('x', 64 * 1024) + "\"";

        // One batch: a completes, b presents a's token (lost), c's result is too large (refused, its lease holds).
        var answer = await partition.CompleteManyAndLeaseAsync(
            [new JobCompletion(ids[0], leases[0].LeaseToken, "\"done\""), new JobCompletion(ids[1], leases[0].LeaseToken, null),
             new JobCompletion(ids[2], leases[2].LeaseToken, tooLarge)],
            "batch-worker", 2, LeaseLong);

        Assert.Equal([JobCompletionStatus.Completed, JobCompletionStatus.LeaseLost, JobCompletionStatus.Refused], answer.Statuses);
        Assert.Null(answer.Reasons[0]);
        Assert.NotNull(answer.Reasons[2]);
        Assert.Equal(next, Assert.Single(answer.Leased).Id);
        Assert.Equal((JobState.Completed, "\"done\""), ((await queue.GetJobAsync(ids[0]))!.State, (await queue.GetJobAsync(ids[0]))!.Result));
        Assert.Equal(JobState.Active, (await queue.GetJobAsync(ids[1]))!.State);
        Assert.Equal(JobState.Active, (await queue.GetJobAsync(ids[2]))!.State);

        // The tokens still hold: b and c complete alone, and the leased job with its own token.
        var again = await partition.CompleteManyAndLeaseAsync(
            [new JobCompletion(ids[1], leases[1].LeaseToken, null), new JobCompletion(ids[2], leases[2].LeaseToken, null),
             new JobCompletion(next, answer.Leased[0].LeaseToken, null)],
            "batch-worker", 0, LeaseLong);
        Assert.Equal([JobCompletionStatus.Completed, JobCompletionStatus.Completed, JobCompletionStatus.Completed], again.Statuses);
        Assert.Empty(again.Leased);
        var stats = await queue.GetStatsAsync();
        Assert.Equal((0L, 0L), (stats.Active, stats.Waiting));
    }
}
