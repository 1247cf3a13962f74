using Microsoft.Extensions.Hosting;
using Orleans.TestingHost;
using OrleansRedis.Abstractions.Queues;
using OrleansRedis.Redis;
using OrleansRedis.Tests.Infrastructure;
using StackExchange.Redis;

namespace OrleansRedis.Tests.Queues;

/// <summary>
/// The test cluster with the test queues: external-worker queues (<see cref="External"/>, <see cref="Single"/>,
/// <see cref="Capped"/>) and queues run by the in-silo <see cref="RecordingHandler"/> (<see cref="Handled"/>,
/// <see cref="Ordered"/>, <see cref="Bench"/>, <see cref="Scheduled"/>).
/// </summary>
public class QueueClusterFixture() : TestClusterFixture("queue")
{
    /// <summary>Two partitions, 3 attempts, 50 ms backoff capped at 200 ms, no handler.</summary>
    public const string External = "ext";

    /// <summary>One partition, no handler.</summary>
    public const string Single = "single";

    /// <summary>One partition capped at 5 unfinished jobs.</summary>
    public const string Capped = "capped";

    /// <summary>Four partitions run by the recording handler.</summary>
    public const string Handled = "handled";

    /// <summary>Four partitions run by the recording handler, for per-key order.</summary>
    public const string Ordered = "ordered";

    /// <summary>Four partitions, 32 handler slots each, for a throughput figure.</summary>
    public const string Bench = "bench";

    /// <summary>As <see cref="Bench"/>, with every job publishing its events (PublishEvents All).</summary>
    public const string BenchEvents = "benchev";

    /// <summary>One partition run by the recording handler.</summary>
    public const string HandledSingle = "handled1";

    /// <summary>One partition run by the recording handler, at most 2 jobs active (MaxConcurrency).</summary>
    public const string CappedActive = "capactive";

    /// <summary>Two partitions capped at 4 unfinished jobs (2 each), no handler.</summary>
    public const string CappedPair = "cappair";

    /// <summary>One partition, no handler, for completions that lease the next job.</summary>
    public const string Chained = "chain";

    /// <summary>One partition, no handler, at most 1 job active (MaxConcurrency), for completions that lease the next job.</summary>
    public const string ChainedCapped = "chaincap";

    /// <summary>Two partitions, no handler, at most 5 jobs started per 10 minutes (rate-limit policy <c>qrate</c>).</summary>
    public const string Rated = "rated";

    /// <summary>Two partitions run by the recording handler, at most 4 jobs started per 10 minutes (policy <c>qrateh</c>).</summary>
    public const string RatedHandled = "ratedh";

    /// <summary>Schedules run into this queue (recording handler).</summary>
    public const string Scheduled = "sched";

    /// <summary>Two partitions, no handler, for the long-poll waits of one test alone.</summary>
    public const string Waits = "waits";

    /// <summary>The handler's recordings, shared with the in-process silos.</summary>
    public static RecordingHandler.Recorder Recorder => RecordingHandler.Recordings;

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        [$"OrleansRedis:Queues:Definitions:{External}:Partitions"] = "2",
        [$"OrleansRedis:Queues:Definitions:{External}:MaxAttempts"] = "3",
        [$"OrleansRedis:Queues:Definitions:{External}:BackoffBase"] = "00:00:00.050",
        [$"OrleansRedis:Queues:Definitions:{External}:BackoffMax"] = "00:00:00.200",
        [$"OrleansRedis:Queues:Definitions:{Single}:Partitions"] = "1",
        [$"OrleansRedis:Queues:Definitions:{Capped}:Partitions"] = "1",
        [$"OrleansRedis:Queues:Definitions:{Capped}:MaxDepth"] = "5",
        [$"OrleansRedis:Queues:Definitions:{Handled}:Partitions"] = "4",
        [$"OrleansRedis:Queues:Definitions:{Ordered}:Partitions"] = "4",
        [$"OrleansRedis:Queues:Definitions:{Ordered}:HandlerConcurrency"] = "16",
        [$"OrleansRedis:Queues:Definitions:{Bench}:Partitions"] = "4",
        [$"OrleansRedis:Queues:Definitions:{Bench}:HandlerConcurrency"] = "32",
        [$"OrleansRedis:Queues:Definitions:{BenchEvents}:Partitions"] = "4",
        [$"OrleansRedis:Queues:Definitions:{BenchEvents}:HandlerConcurrency"] = "32",
        [$"OrleansRedis:Queues:Definitions:{BenchEvents}:PublishEvents"] = "All",
        [$"OrleansRedis:Queues:Definitions:{Scheduled}:Partitions"] = "2",
        [$"OrleansRedis:Queues:Definitions:{Waits}:Partitions"] = "2",
        [$"OrleansRedis:Queues:Definitions:{HandledSingle}:Partitions"] = "1",
        [$"OrleansRedis:Queues:Definitions:{HandledSingle}:MaxAttempts"] = "2",
        [$"OrleansRedis:Queues:Definitions:{CappedActive}:Partitions"] = "1",
        [$"OrleansRedis:Queues:Definitions:{CappedActive}:MaxConcurrency"] = "2",
        [$"OrleansRedis:Queues:Definitions:{CappedPair}:Partitions"] = "2",
        [$"OrleansRedis:Queues:Definitions:{CappedPair}:MaxDepth"] = "4",
        [$"OrleansRedis:Queues:Definitions:{Chained}:Partitions"] = "1",
        [$"OrleansRedis:Queues:Definitions:{ChainedCapped}:Partitions"] = "1",
        [$"OrleansRedis:Queues:Definitions:{ChainedCapped}:MaxConcurrency"] = "1",
        [$"OrleansRedis:Queues:Definitions:{Rated}:Partitions"] = "2",
        [$"OrleansRedis:Queues:Definitions:{Rated}:RateLimitPolicy"] = "qrate",
        [$"OrleansRedis:Queues:Definitions:{RatedHandled}:Partitions"] = "2",
        [$"OrleansRedis:Queues:Definitions:{RatedHandled}:RateLimitPolicy"] = "qrateh",
        ["OrleansRedis:RateLimits:Policies:qrate:Algorithm"] = "SlidingLog",
        ["OrleansRedis:RateLimits:Policies:qrate:Limit"] = "5",
        ["OrleansRedis:RateLimits:Policies:qrate:Window"] = "00:10:00",
        ["OrleansRedis:RateLimits:Policies:qrateh:Algorithm"] = "TokenBucket",
        ["OrleansRedis:RateLimits:Policies:qrateh:Limit"] = "4",
        ["OrleansRedis:RateLimits:Policies:qrateh:Window"] = "00:10:00",
    };

    /// <summary>Gets the router of <paramref name="queue"/>.</summary>
    public IQueueGrain Queue(string queue) => Grains.GetGrain<IQueueGrain>(queue);

    /// <summary>Gets the Redis database the cluster uses.</summary>
    public IDatabase Database => RedisConnection.GetDatabase();

    /// <summary>The key prefix of a partition's Redis keys.</summary>
    public string PartitionPrefix(string queue, int partition) => FromEachSilo<RedisKeys>()[0].QueuePartition(queue, partition).Prefix;

    /// <inheritdoc />
    protected override void ConfigureCluster(TestClusterBuilder builder) => builder.AddSiloBuilderConfigurator<HandlerConfigurator>();

    /// <summary>Registers the recording handler for the handled queues.</summary>
    public sealed class HandlerConfigurator : ISiloConfigurator
    {
        /// <inheritdoc />
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder
            .AddOrleansRedisQueueHandler<RecordingHandler>(Handled)
            .AddOrleansRedisQueueHandler<RecordingHandler>(Ordered)
            .AddOrleansRedisQueueHandler<RecordingHandler>(Bench)
            .AddOrleansRedisQueueHandler<RecordingHandler>(BenchEvents)
            .AddOrleansRedisQueueHandler<RecordingHandler>(Scheduled)
            .AddOrleansRedisQueueHandler<RecordingHandler>(HandledSingle)
            .AddOrleansRedisQueueHandler<RecordingHandler>(CappedActive)
            .AddOrleansRedisQueueHandler<RecordingHandler>(RatedHandled);
    }
}

/// <summary>The queue contract tests: they share one cluster, each on queues or keys of its own.</summary>
[CollectionDefinition(Name)]
public sealed class QueueClusterCollection : ICollectionFixture<QueueClusterFixture>
{
    public const string Name = "queue-cluster";
}

/// <summary>The test queues on a Redis Cluster of three masters and three replicas.</summary>
public sealed class QueueOnRedisClusterFixture : QueueClusterFixture
{
    /// <inheritdoc />
    protected override bool OnRedisCluster => true;
}

/// <summary>The queue contract tests on a Redis Cluster: they share one cluster, each on queues or keys of its own.</summary>
[CollectionDefinition(Name)]
public sealed class QueueOnRedisClusterCollection : ICollectionFixture<QueueOnRedisClusterFixture>
{
    public const string Name = "queue-on-redis-cluster";
}
