using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Queues;

/// <summary>
/// The cluster the <see cref="OrleansRedis.Client.Queues.QueueWorker"/> tests run against: one queue per test (so each
/// test's figures are its own), two partitions each, a 50 ms backoff.
/// </summary>
public sealed class QueueWorkerClusterFixture() : TestClusterFixture("qworker")
{
    /// <summary>The queues declared, one per worker test.</summary>
    public static readonly string[] Queues = ["wconc", "wbeat", "wretry", "wdrain", "wreturn", "wchain", "wlong", "wspread"];

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string> Settings { get; } = Queues
        .SelectMany(queue => new[]
        {
            KeyValuePair.Create($"OrleansRedis:Queues:Definitions:{queue}:Partitions", "2"),
            KeyValuePair.Create($"OrleansRedis:Queues:Definitions:{queue}:BackoffBase", "00:00:00.050"),
        })
        .ToDictionary();
}
