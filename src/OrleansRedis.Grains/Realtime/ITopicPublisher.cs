namespace OrleansRedis.Grains.Realtime;

/// <summary>
/// The seam through which the project's capabilities notify users in real time (a session revoked, a lock lost, a job
/// finished): they publish to a topic, typically <c>user:{id}</c>, without knowing whether real-time is registered.
/// Without <c>AddOrleansRedisRealtime</c> the publisher does nothing.
/// </summary>
public interface ITopicPublisher
{
    /// <summary>
    /// Publishes <paramref name="data"/> (serialized as camelCase JSON) as an event of <paramref name="type"/> on
    /// <paramref name="topic"/>. Never throws: a notification is secondary to the operation that caused it, so a
    /// failure is logged and counted, and the operation stands. Callers need not await it.
    /// </summary>
    /// <returns>The event id, or <see langword="null"/> when nothing was published.</returns>
    Task<string?> PublishAsync(string topic, string type, object data);
}
