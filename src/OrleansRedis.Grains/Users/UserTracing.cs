using System.Diagnostics;
using OrleansRedis.Abstractions.Diagnostics;
using OrleansRedis.Abstractions.Users;

namespace OrleansRedis.Grains.Users;

/// <summary>The spans of <see cref="OrleansRedisActivitySources.Users"/>: where a read was answered from, never the user id.</summary>
internal static class UserTracing
{
    public const string SourceTag = "orleansredis.user.source";
    public const string FoundTag = "orleansredis.user.found";
    public const string StaleTag = "orleansredis.user.stale";

    /// <summary>Starts a decision span; null without a listener.</summary>
    public static Activity? Start(string operation) => OrleansRedisActivitySources.Users.StartActivity(operation);

    public static void Read(Activity activity, UserReadResult result)
    {
        activity.SetTag(SourceTag, UsersMetrics.SourceName(result.Source));
        activity.SetTag(FoundTag, result.User is not null);
        activity.SetTag(StaleTag, result.Stale);
    }
}
