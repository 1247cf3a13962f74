using System.Text.Json;
using Microsoft.Extensions.Logging;
using OrleansRedis.Abstractions.Realtime;

namespace OrleansRedis.Grains.Realtime;

/// <summary>Publishes the capabilities' notifications through the topics' grains.</summary>
public sealed partial class GrainTopicPublisher(IGrainFactory grains, ILogger<GrainTopicPublisher> logger) : ITopicPublisher
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <inheritdoc />
    public async Task<string?> PublishAsync(string topic, string type, object data)
    {
        if (!RealtimeLimits.IsValidTopic(topic))
        {
            LogSkipped(topic, type);
            return null;
        }

        try
        {
            return await grains.GetGrain<ITopicGrain>(topic).PublishAsync(type, JsonSerializer.Serialize(data, Json)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogFailed(ex, topic, type);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {Type} on topic {Topic} was not published")]
    private partial void LogFailed(Exception exception, string topic, string type);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Notification {Type} skipped: '{Topic}' is not a valid topic name")]
    private partial void LogSkipped(string topic, string type);
}
