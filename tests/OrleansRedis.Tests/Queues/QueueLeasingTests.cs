using System.Reflection;
using Microsoft.Extensions.Time.Testing;
using OrleansRedis.Abstractions.Queues;

namespace OrleansRedis.Tests.Queues;

/// <summary>
/// The shares of <see cref="QueueLeasing.LeaseFromPartitionsAsync"/> over partitions that answer from memory (pure
/// logic: a partition here is a list of ready job ids, or a failure); the real partitions are covered by
/// <see cref="QueueWorkerTests"/> and the contract tests.
/// </summary>
public sealed class QueueLeasingTests
{
    [Theory]
    // Ten slots over four full partitions from partition 1: shares 3, 3, 2, 2 from the start.
    [InlineData(new[] { 50, 50, 50, 50 }, 1, 10, new[] { 2, 3, 3, 2 })]
    // Shares 2 each; partition 0 had one, partition 3 none: the three missing come from partition 1, the first that
    // filled its share.
    [InlineData(new[] { 1, 50, 50, 0 }, 0, 8, new[] { 1, 5, 2, 0 })]
    public async Task SlotsOverPartitions_EvenSharesFromTheStartThenTheRestFromThoseThatFilledTheirs(int[] ready, int start, int max, int[] taken)
    {
        var partitions = Partitions(ready);

        var leased = await LeaseAsync(partitions, start, max);

        Assert.Equal(taken, partitions.Select(p => p.Taken));
        Assert.Equal(max, leased.Count);
    }

    [Fact]
    public async Task FewerSlotsThanPartitions_OnlyTheFirstFromTheStartAreAsked()
    {
        var partitions = Partitions(ready: [5, 5, 5, 5]);

        var leased = await LeaseAsync(partitions, start: 3, max: 2);

        Assert.Equal([(1, 1), (0, 0), (0, 0), (1, 1)], partitions.Select(p => (p.Calls, p.Taken)));
        Assert.Equal(2, leased.Count);
    }

    [Fact]
    public async Task OnePartitionFails_TheJobsTheOthersLeasedAreAnswered()
    {
        var partitions = Partitions(ready: [5, 5, 5, 5]);
        partitions[2].FailFrom = 1;

        var leased = await LeaseAsync(partitions, start: 0, max: 8);

        // The failed share is made up by partition 0, the first that filled its own.
        Assert.Equal([4, 2, 0, 2], partitions.Select(p => p.Taken));
        Assert.Equal(8, leased.Count);
    }

    [Fact]
    public async Task EveryPartitionFails_TheFailureIsThrown()
    {
        var partitions = Partitions(ready: [5, 5]);
        partitions[0].FailFrom = partitions[1].FailFrom = 1;

        var failure = await Assert.ThrowsAsync<TimeoutException>(() => LeaseAsync(partitions, start: 0, max: 4));

        Assert.Equal("partition down", failure.Message);
    }

    [Fact]
    public async Task OnePartitionFailsAndTheOthersHadNothing_TheFailureIsThrown()
    {
        var partitions = Partitions(ready: [0, 5]);
        partitions[1].FailFrom = 1;

        await Assert.ThrowsAsync<TimeoutException>(() => LeaseAsync(partitions, start: 0, max: 4));
    }

    [Fact]
    public async Task TheCallThatMakesUpAShareFails_TheJobsLeasedBeforeItAreAnswered()
    {
        var partitions = Partitions(ready: [5, 0]);
        partitions[0].FailFrom = 2;

        var leased = await LeaseAsync(partitions, start: 0, max: 4);

        // Partition 0 filled its share of 2, partition 1 had none; the make-up call to partition 0 failed.
        Assert.Equal([(2, 2), (1, 0)], partitions.Select(p => (p.Calls, p.Taken)));
        Assert.Equal(2, leased.Count);
    }

    private static Task<IReadOnlyList<LeasedJob>> LeaseAsync(FakePartition[] partitions, int start, int max) =>
        QueueLeasing.LeaseFromPartitionsAsync(
            p => partitions[p].Grain, partitions.Length, start, "w", max, TimeSpan.FromSeconds(30), TimeSpan.Zero, new FakeTimeProvider(), CancellationToken.None);

    private static FakePartition[] Partitions(int[] ready) =>
        [.. ready.Select((count, p) => new FakePartition(p, count))];

    internal sealed class FakePartition
    {
        private readonly int _partition;
        private int _ready;

        public FakePartition(int partition, int ready)
        {
            _partition = partition;
            _ready = ready;
            Grain = DispatchProxy.Create<IQueuePartitionGrain, PartitionProxy>();
            ((PartitionProxy)(object)Grain).Owner = this;
        }

        public IQueuePartitionGrain Grain { get; }

        /// <summary>Gets or sets the first call (counted from 1) that fails; none by default.</summary>
        public int FailFrom { get; set; } = int.MaxValue;

        public int Calls { get; private set; }

        public int Taken { get; private set; }

        public async Task<IReadOnlyList<LeasedJob>> LeaseAsync(int max)
        {
            Calls++;
            await Task.Yield();
            if (Calls >= FailFrom)
            {
                throw new TimeoutException("partition down");
            }

            var n = Math.Min(max, _ready);
            _ready -= n;
            Taken += n;
            var now = DateTimeOffset.UnixEpoch;
            return [.. Enumerable.Range(0, n).Select(i => new LeasedJob(
                $"{_partition}-{Taken - n + i}", "q", "{}", null, JobPriority.Normal, 1, 3, "t", now, now))];
        }
    }

    // Answers LeaseAsync from its FakePartition; any other member is not part of the lease loop and fails the test.
    public class PartitionProxy : DispatchProxy
    {
        internal FakePartition? Owner { get; set; }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod?.Name == nameof(IQueuePartitionGrain.LeaseAsync)
                ? Owner!.LeaseAsync((int)args![1]!)
                : throw new NotSupportedException($"The lease loop called {targetMethod?.Name}.");
    }
}
