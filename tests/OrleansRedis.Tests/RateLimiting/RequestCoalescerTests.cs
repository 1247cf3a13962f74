using OrleansRedis.Grains.RateLimiting;

namespace OrleansRedis.Tests.RateLimiting;

/// <summary>The batching behind coalesced checks: pure logic, with a fake executor that the test completes by hand.</summary>
public sealed class RequestCoalescerTests
{
    private readonly List<(IReadOnlyList<int> Batch, TaskCompletionSource<IReadOnlyList<string>> Done)> _executions = [];

    [Fact]
    public async Task Enqueue_Alone_ExecutesAtOnce()
    {
        var coalescer = Create(maxBatchSize: 10);

        var pending = coalescer.Enqueue(7);
        Complete(0);

        Assert.Equal([7], _executions[0].Batch);
        Assert.Equal("r7", await pending.Task);
    }

    [Fact]
    public async Task Enqueue_WhileABatchIsInFlight_QueuedRequestsGoTogetherInArrivalOrder()
    {
        var coalescer = Create(maxBatchSize: 10);
        var first = coalescer.Enqueue(1);
        var queued = Enumerable.Range(2, 5).Select(coalescer.Enqueue).ToList();

        Assert.Single(_executions);
        Assert.Equal(5, coalescer.Queued);
        Complete(0);
        Complete(1);

        Assert.Equal([2, 3, 4, 5, 6], _executions[1].Batch);
        Assert.Equal(["r2", "r3", "r4", "r5", "r6"], await Task.WhenAll(queued.Select(p => p.Task)));
        Assert.Equal("r1", await first.Task);
    }

    [Fact]
    public void Enqueue_MoreThanMaxBatchSize_SplitsIntoBatchesInOrder()
    {
        var coalescer = Create(maxBatchSize: 3);
        coalescer.Enqueue(0);
        foreach (var request in Enumerable.Range(1, 7))
        {
            coalescer.Enqueue(request);
        }

        Complete(0);
        Complete(1);
        Complete(2);

        Assert.Equal([[0], [1, 2, 3], [4, 5, 6], [7]], _executions.Select(e => e.Batch));
    }

    [Fact]
    public async Task Execute_Fails_EveryRequestOfThatBatchFailsAndTheNextBatchStillRuns()
    {
        var coalescer = Create(maxBatchSize: 10);
        var first = coalescer.Enqueue(1);
        var second = coalescer.Enqueue(2);
        var third = coalescer.Enqueue(3);

        _executions[0].Done.SetException(new InvalidOperationException("redis is away"));
        Complete(1);

        await Assert.ThrowsAsync<InvalidOperationException>(() => first.Task);
        Assert.Equal(["r2", "r3"], await Task.WhenAll(second.Task, third.Task));
    }

    [Fact]
    public void Abandon_BeforeItsBatchLeaves_NeverExecuted()
    {
        var coalescer = Create(maxBatchSize: 10);
        var inFlight = coalescer.Enqueue(1);
        var abandoned = coalescer.Enqueue(2);
        coalescer.Enqueue(3);

        var droppedBeforeSending = abandoned.Abandon();
        var inFlightDropped = inFlight.Abandon();
        Complete(0);

        Assert.True(droppedBeforeSending);
        Assert.False(inFlightDropped);
        Assert.Equal([3], _executions[1].Batch);
    }

    private RequestCoalescer<int, string> Create(int maxBatchSize) =>
        new(batch =>
        {
            var done = new TaskCompletionSource<IReadOnlyList<string>>();
            _executions.Add(([.. batch], done));
            return done.Task;
        }, maxBatchSize);

    private void Complete(int execution) =>
        _executions[execution].Done.SetResult([.. _executions[execution].Batch.Select(r => $"r{r}")]);
}
