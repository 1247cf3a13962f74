using System.Diagnostics;
using OrleansRedis.Abstractions.Diagnostics;

namespace OrleansRedis.Grains.Sessions;

/// <summary>
/// The spans of <see cref="OrleansRedisActivitySources.Sessions"/>. They carry whether the session was found, never its
/// id, its hash, its user or its data.
/// </summary>
internal static class SessionTracing
{
    public const string FoundTag = "orleansredis.session.found";

    /// <summary>Starts a decision span; null without a listener.</summary>
    public static Activity? Start(string operation) => OrleansRedisActivitySources.Sessions.StartActivity(operation);

    public static void Found<T>(Activity activity, T? result) =>
        activity.SetTag(FoundTag, result is bool found ? found : result is not null);
}
