namespace OrleansRedis.Grains.Queues;

/// <summary>
/// Says that the queue <see cref="Queue"/> has an in-silo handler (<see cref="Abstractions.Queues.IQueueJobHandler"/>
/// registered as a keyed service under the queue's name), so its partitions dispatch jobs to handler grains.
/// </summary>
/// <param name="Queue">The queue's name as declared.</param>
public sealed record QueueHandlerRegistration(string Queue)
{
    /// <summary>The DI service key of the handler of <paramref name="queue"/> (queue names are case-insensitive).</summary>
    public static string ServiceKey(string queue) => "orleansredis.queue:" + queue.ToUpperInvariant();
}
