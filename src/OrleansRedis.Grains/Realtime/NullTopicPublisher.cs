namespace OrleansRedis.Grains.Realtime;

/// <summary>The publisher of a silo without real-time: notifications go nowhere.</summary>
public sealed class NullTopicPublisher : ITopicPublisher
{
    /// <inheritdoc />
    public Task<string?> PublishAsync(string topic, string type, object data) => Task.FromResult<string?>(null);
}
