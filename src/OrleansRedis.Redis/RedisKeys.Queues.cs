using StackExchange.Redis;

namespace OrleansRedis.Redis;

/// <summary>Keys of the job queues.</summary>
public sealed partial class RedisKeys
{
    /// <summary>The key kind of queues.</summary>
    public const string QueueKind = "queue";

    /// <summary>
    /// The keys of one queue partition, all under the hash tag <c>{queue#partition}</c> (one Redis Cluster slot), so one
    /// script may touch any of them. Queue names are ASCII letters, digits, <c>-</c>, <c>_</c> and <c>.</c>: no brace can
    /// end the tag early.
    /// </summary>
    public QueuePartitionKeys QueuePartition(string queue, int partition) => new(Build(QueueKind, $"{queue}#{partition}", string.Empty).ToString());

    /// <summary>The partition count a queue's jobs are spread over (a STRING, set by the first silo that starts with the queue).</summary>
    public RedisKey QueuePartitionCount(string queue) => Build(QueueKind, queue, "partitions");

    /// <summary>The hash of a queue's recurring schedules (name -> JSON), under the hash tag <c>{queue}</c>.</summary>
    public RedisKey QueueSchedules(string queue) => Build(QueueKind, queue, "schedules");

    /// <summary>The hash of each schedule's last enqueued tick (name -> Unix ms), in the slot of <see cref="QueueSchedules"/>.</summary>
    public RedisKey QueueScheduleTicks(string queue) => Build(QueueKind, queue, "schedules:last");
}

/// <summary>
/// The keys of one queue partition: <c>{prefix}:queue:{q#p}:</c> followed by <c>s:h</c>, <c>s:n</c>, <c>s:l</c> (a
/// stream per priority), <c>delayed</c>, <c>leases</c>, <c>keyhead</c>, <c>stats</c>, <c>dead</c>, <c>paused</c>,
/// <c>epoch</c>, and per job or key <c>job:{id}</c>, <c>keyq:{key}</c>, <c>dedup:{idempotencyKey}</c>.
/// </summary>
/// <param name="Prefix">The common prefix, ending with <c>:</c>.</param>
public sealed record QueuePartitionKeys(string Prefix)
{
    /// <summary>The fixed keys every partition script receives as KEYS, in this order.</summary>
    public RedisKey[] Fixed { get; } =
        [.. new[] { "s:h", "s:n", "s:l", "delayed", "leases", "keyhead", "stats", "dead", "paused", "epoch" }.Select(s => (RedisKey)(Prefix + s))];

    /// <summary>The stream of <paramref name="priority"/> (0 high, 1 normal, 2 low).</summary>
    public RedisKey Stream(int priority) => Fixed[priority];

    /// <summary>The hash of job <paramref name="id"/>.</summary>
    public RedisKey Job(string id) => Prefix + "job:" + id;

    /// <summary>The list of jobs parked behind the job holding <paramref name="key"/> (their ids, in order).</summary>
    public RedisKey KeyQueue(string key) => Prefix + "keyq:" + key;

    /// <summary>The idempotency record of <paramref name="idempotencyKey"/> (the id of the job it named first).</summary>
    public RedisKey Dedup(string idempotencyKey) => Prefix + "dedup:" + idempotencyKey;

    /// <summary>The "delivery paused" flag.</summary>
    public RedisKey Paused => Fixed[8];
}
