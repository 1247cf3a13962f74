namespace OrleansRedis.Grains.Realtime;

/// <summary>Retention, limits and buffers of topics and presence. Bound from <c>OrleansRedis:Realtime</c> and validated at start.</summary>
public sealed class RealtimeOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "OrleansRedis:Realtime";

    /// <summary>
    /// Gets or sets how many events a topic keeps at least (Redis trims approximately, so a few more may stay). A
    /// client that reconnects after more events than this were published gets a <c>reset</c> event.
    /// </summary>
    /// <value>The default is 10000.</value>
    public long MaxEventsPerTopic { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets how long a topic keeps its events (trimmed approximately on each publish);
    /// <see cref="TimeSpan.Zero"/> keeps them until <see cref="MaxEventsPerTopic"/> trims them.
    /// </summary>
    /// <value>The default is 1 day.</value>
    public TimeSpan MaxEventAge { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Gets or sets the largest payload (<c>data</c> as JSON text, in UTF-8 bytes) an event may carry.</summary>
    /// <value>The default is 65536 (64 KiB).</value>
    public int MaxPayloadBytes { get; set; } = 64 * 1024;

    /// <summary>Gets or sets the most events one history page (<c>limit</c>) may ask for.</summary>
    /// <value>The default is 1000.</value>
    public int MaxPageSize { get; set; } = 1000;

    /// <summary>
    /// Gets or sets how many live events may wait for one SSE connection. A client that falls this far behind is cut
    /// (its stream ends with a <c>retry:</c> hint) and catches up from Redis when it reconnects, so a slow client never
    /// slows the publisher or anyone else.
    /// </summary>
    /// <value>The default is 1024.</value>
    public int SubscriberBufferSize { get; set; } = 1024;

    /// <summary>Gets or sets the reconnection delay (<c>retry:</c>) sent to a client that is cut for being slow.</summary>
    /// <value>The default is 1 second.</value>
    public TimeSpan SlowClientRetry { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets how often a silo's relay of a topic compares the newest id in Redis with the last it delivered, to
    /// recover announcements lost while its Redis connection was down.
    /// </summary>
    /// <value>The default is 2 seconds.</value>
    public TimeSpan RelayCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets the presence TTL of a heartbeat that names none.</summary>
    /// <value>The default is 45 seconds (heartbeat every 15).</value>
    public TimeSpan PresenceTtl { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>Gets or sets the longest presence TTL a heartbeat may ask for.</summary>
    /// <value>The default is 1 hour.</value>
    public TimeSpan MaxPresenceTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets the largest data (JSON text, UTF-8 bytes) a member may attach to its heartbeat.</summary>
    /// <value>The default is 4096.</value>
    public int MaxPresenceDataBytes { get; set; } = 4096;
}
