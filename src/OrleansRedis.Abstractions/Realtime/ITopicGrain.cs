namespace OrleansRedis.Abstractions.Realtime;

/// <summary>
/// A topic named by the grain key (<c>user:42</c>, <c>room:lobby</c>), the single writer of its Redis Stream: each
/// publish appends one entry, whose id is the event id, so a topic has one total order. Subscribers read the stream
/// (over SSE on any silo) from any id it still keeps; publishing never waits for them.
/// </summary>
[Alias("orleansredis.topic")]
public interface ITopicGrain : IGrainWithStringKey
{
    /// <summary>Appends an event and returns its id once Redis has it.</summary>
    /// <param name="type">The event type (1-64 characters of letters, digits and <c>. _ - :</c>); <see langword="null"/> for <c>message</c>.</param>
    /// <param name="data">The payload, a JSON text of at most <c>Realtime:MaxPayloadBytes</c> UTF-8 bytes.</param>
    /// <returns>The event id.</returns>
    /// <exception cref="RealtimeException">The topic name, type or payload is invalid; nothing was published.</exception>
    [Alias("publish")]
    Task<string> PublishAsync(string? type, string data);

    /// <summary>Reads up to <paramref name="limit"/> events after <paramref name="after"/>, oldest first.</summary>
    /// <param name="after">The last id the caller has; <see langword="null"/> to read from the oldest kept event.</param>
    /// <param name="limit">At most this many events (1 to <c>Realtime:MaxPageSize</c>).</param>
    /// <returns>The page; <see cref="TopicPage.Reset"/> when events after <paramref name="after"/> were trimmed.</returns>
    /// <exception cref="RealtimeException">The topic name or id is invalid.</exception>
    [Alias("read")]
    Task<TopicPage> ReadAsync(string? after, int limit);
}
