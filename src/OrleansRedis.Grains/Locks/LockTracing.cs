using System.Diagnostics;
using OrleansRedis.Abstractions.Diagnostics;
using OrleansRedis.Abstractions.Locks;

namespace OrleansRedis.Grains.Locks;

/// <summary>The spans of <see cref="OrleansRedisActivitySources.Locks"/> and their attributes.</summary>
internal static class LockTracing
{
    public const string NameTag = "orleansredis.lock.name";
    public const string AcquiredTag = "orleansredis.lock.acquired";
    public const string WaitedTag = "orleansredis.lock.waited";
    public const string FencingTokenTag = "orleansredis.lock.fencing_token";
    public const string ReleasedTag = "orleansredis.lock.released";
    public const string ExtendedTag = "orleansredis.lock.extended";

    /// <summary>Starts a decision span about the lock <paramref name="name"/>; null without a listener.</summary>
    public static Activity? Start(string operation, string name)
    {
        var activity = OrleansRedisActivitySources.Locks.StartActivity(operation);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(NameTag, name);
        }

        return activity;
    }

    /// <summary>Marks an acquisition that queued behind the holder.</summary>
    public static void Queued(Activity? activity)
    {
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(WaitedTag, true);
        }
    }

    public static void Acquired(Activity activity, LockAcquireResult result)
    {
        activity.SetTag(AcquiredTag, result.Acquired);
        if (activity.GetTagItem(WaitedTag) is null)
        {
            activity.SetTag(WaitedTag, false);
        }

        if (result.Lease is { } lease)
        {
            activity.SetTag(FencingTokenTag, lease.FencingToken);
        }
    }

    public static void Extended(Activity activity, LockExtendResult result)
    {
        activity.SetTag(ExtendedTag, result.Extended);
        if (result.Extended)
        {
            activity.SetTag(FencingTokenTag, result.FencingToken);
        }
    }

    public static void Released(Activity activity, bool released) => activity.SetTag(ReleasedTag, released);
}
