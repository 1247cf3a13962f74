namespace OrleansRedis.Grains.Queues;

/// <summary>The job queues: their definitions and the limits every queue shares. Bound from <c>OrleansRedis:Queues</c>.</summary>
public sealed class QueueOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "OrleansRedis:Queues";

    /// <summary>Gets the queues by name (case-insensitive; the name as declared is the one used in Redis keys).</summary>
    /// <value>The default is no queues: every call answers "unknown queue".</value>
    public Dictionary<string, QueueDefinition> Definitions { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets the largest job payload, in UTF-8 bytes of its JSON text.</summary>
    /// <value>The default is 65536 (64 KiB). From 1 to 16 MiB.</value>
    public int MaxPayloadBytes { get; set; } = 64 * 1024;

    /// <summary>Gets or sets the most jobs one bulk enqueue may carry.</summary>
    /// <value>The default is 1000. From 1 to 100000.</value>
    public int MaxBulk { get; set; } = 1000;

    /// <summary>
    /// Gets or sets the longest a lease call waits for work (long poll). A longer wait asked of the grain is cut to
    /// this, so a waiting call always answers before Orleans' response timeout.
    /// </summary>
    /// <value>The default is 20 seconds. It must stay below Orleans' response timeout minus 5 s.</value>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Gets or sets how often each silo pings the partition and schedule grains of every defined queue, so that after a
    /// silo is lost they are active again (timers, handlers, lease expiry) within failure detection plus this period.
    /// </summary>
    /// <value>The default is 5 seconds. From 100 ms to 5 minutes.</value>
    public TimeSpan KeeperPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Returns the definition of <paramref name="queue"/> and its declared name, or <see langword="null"/>.</summary>
    public (string Name, QueueDefinition Definition)? Find(string? queue)
    {
        if (queue is null || !Definitions.TryGetValue(queue, out var definition))
        {
            return null;
        }

        // The dictionary keeps the first spelling as its key: use it, so "Emails" and "emails" share their Redis keys.
        var name = Definitions.Keys.First(k => string.Equals(k, queue, StringComparison.OrdinalIgnoreCase));
        return (name, definition);
    }
}
