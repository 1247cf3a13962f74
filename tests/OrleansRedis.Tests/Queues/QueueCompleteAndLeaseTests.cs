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
}
