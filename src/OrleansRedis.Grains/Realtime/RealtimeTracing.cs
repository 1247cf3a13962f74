using System.Diagnostics;
using OrleansRedis.Abstractions.Diagnostics;

namespace OrleansRedis.Grains.Realtime;

/// <summary>
/// The spans of <see cref="OrleansRedisActivitySources.Realtime"/>. Topic and room names can name a user
/// (<c>user:{id}</c>) and are left out; a published event's id (Redis's stream id) is not user data.
/// </summary>
internal static class RealtimeTracing
{
    public const string EventIdTag = "orleansredis.topic.event.id";

    /// <summary>Starts a decision span; null without a listener.</summary>
    public static Activity? Start(string operation) => OrleansRedisActivitySources.Realtime.StartActivity(operation);

    public static void Published(Activity activity, string id) => activity.SetTag(EventIdTag, id);
}
