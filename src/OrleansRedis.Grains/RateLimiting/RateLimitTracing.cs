using System.Diagnostics;
using OrleansRedis.Abstractions.Diagnostics;
using OrleansRedis.Abstractions.RateLimiting;

namespace OrleansRedis.Grains.RateLimiting;

/// <summary>The spans of <see cref="OrleansRedisActivitySources.RateLimiting"/> and their attributes (never the subject).</summary>
internal static class RateLimitTracing
{
    public const string PolicyTag = "orleansredis.ratelimit.policy";
    public const string CostTag = "orleansredis.ratelimit.cost";
    public const string AllowedTag = "orleansredis.ratelimit.allowed";
    public const string RemainingTag = "orleansredis.ratelimit.remaining";
    public const string DegradedTag = "orleansredis.ratelimit.degraded";

    /// <summary>Starts a decision span; null without a listener. <paramref name="policy"/> is null for an invalid key.</summary>
    public static Activity? Start(string operation, RateLimitPolicy? policy, int cost)
    {
        var activity = OrleansRedisActivitySources.RateLimiting.StartActivity(operation);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(PolicyTag, policy?.Name);
            activity.SetTag(CostTag, cost);
        }

        return activity;
    }

    public static void Decided(Activity activity, RateLimitDecision decision)
    {
        activity.SetTag(AllowedTag, decision.Allowed);
        activity.SetTag(RemainingTag, decision.Remaining);
        activity.SetTag(DegradedTag, decision.Degraded);
    }
}
