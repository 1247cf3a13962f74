using Orleans.Metadata;

namespace OrleansRedis.Abstractions.Queues;

/// <summary>
/// A stateless relay to one partition, keyed <c>"{queue}#{partition}/r/{n}"</c>: every <see cref="IQueuePartitionGrain"/>
/// call goes on to the partition <c>"{queue}#{partition}"</c> unchanged, from the silo the call came in through (a
/// stateless worker activates there). An Orleans client sends each grain's calls through one gateway, picked when it
/// first calls that grain, so its calls to a partition on another silo are forwarded by that gateway, each call and
/// each answer; the client's queue worker instead finds, among the relays <c>n</c> = 0, 1, ..., one whose gateway is
/// the partition's silo (<see cref="GetRelaySiloAsync"/> against <see cref="IQueuePartitionGrain.GetSiloAsync"/>) and
/// calls the partition through it: the call enters the cluster on the partition's silo and the relay's call to the
/// partition stays in that process.
/// </summary>
[Alias("orleansredis.queue.partition-relay")]
[DefaultGrainType("queue-partition-relay")]
public interface IQueuePartitionRelayGrain : IQueuePartitionGrain
{
    /// <summary>Answers the silo this relay runs on: the gateway its caller's calls to it come in through.</summary>
    [Alias("relay-silo")]
    Task<SiloAddress> GetRelaySiloAsync();
}
