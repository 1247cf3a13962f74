using System.Diagnostics;

namespace OrleansRedis.Abstractions.Diagnostics;

/// <summary>
/// The project's activity sources, one per capability and named like its meter (<c>OrleansRedis.Locks</c>...). Each
/// grain decision is a span of its capability's source (<c>lock.acquire</c>, <c>ratelimit.check</c>...), and each Lua
/// script a store runs is a child span of kind <see cref="ActivityKind.Client"/> with the OpenTelemetry database
/// attributes (<c>db.system.name</c> = <c>redis</c>, <c>db.operation.name</c> = the script's name, never its body or
/// values). Attributes are namespaced (<c>orleansredis.lock.name</c>) and never carry payloads, session ids, user ids
/// or rate-limit subjects. With no listener attached <see cref="ActivitySource.StartActivity(string, ActivityKind)"/>
/// returns null and nothing is allocated or tagged. Register them all with
/// <c>TracerProviderBuilder.AddOrleansRedisInstrumentation()</c> (OrleansRedis.AspNetCore).
/// </summary>
public static class OrleansRedisActivitySources
{
    /// <summary>The rate-limiting source's name.</summary>
    public const string RateLimitingName = "OrleansRedis.RateLimiting";

    /// <summary>The locks source's name.</summary>
    public const string LocksName = "OrleansRedis.Locks";

    /// <summary>The sessions source's name.</summary>
    public const string SessionsName = "OrleansRedis.Sessions";

    /// <summary>The users source's name.</summary>
    public const string UsersName = "OrleansRedis.Users";

    /// <summary>The queues source's name.</summary>
    public const string QueuesName = "OrleansRedis.Queues";

    /// <summary>The real-time (topics and presence) source's name.</summary>
    public const string RealtimeName = "OrleansRedis.Realtime";

    /// <summary>The operations (memory report, big keys, maxmemory) source's name.</summary>
    public const string OperationsName = "OrleansRedis.Operations";

    /// <summary>The caching (HybridCache adapter, cache entry grains) source's name.</summary>
    public const string CachingName = "OrleansRedis.Caching";

    /// <summary>The <c>error.type</c> attribute of a failed span: the exception's full type name.</summary>
    public const string ErrorTypeTag = "error.type";

    private static readonly string? Version = typeof(OrleansRedisActivitySources).Assembly.GetName().Version?.ToString();

    /// <summary>Gets the names of every source (and of every meter) of the project.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [RateLimitingName, LocksName, SessionsName, UsersName, QueuesName, RealtimeName, OperationsName, CachingName];

    /// <summary>Gets the rate-limiting source: <c>ratelimit.check</c>.</summary>
    public static ActivitySource RateLimiting { get; } = new(RateLimitingName, Version);

    /// <summary>Gets the locks source: <c>lock.acquire</c>, <c>lock.release</c>, <c>lock.extend</c>.</summary>
    public static ActivitySource Locks { get; } = new(LocksName, Version);

    /// <summary>Gets the sessions source: <c>session.create</c>, <c>session.get</c>, <c>session.replace</c>, <c>session.merge</c>...</summary>
    public static ActivitySource Sessions { get; } = new(SessionsName, Version);

    /// <summary>Gets the users source: <c>user.get</c>, <c>user.create</c>, <c>user.update</c>, <c>user.delete</c>.</summary>
    public static ActivitySource Users { get; } = new(UsersName, Version);

    /// <summary>Gets the queues source: <c>queue.enqueue</c>, <c>queue.lease</c>, <c>queue.complete</c>, <c>queue.fail</c>.</summary>
    public static ActivitySource Queues { get; } = new(QueuesName, Version);

    /// <summary>Gets the real-time source: <c>topic.publish</c>, <c>presence.heartbeat</c>, <c>presence.leave</c>.</summary>
    public static ActivitySource Realtime { get; } = new(RealtimeName, Version);

    /// <summary>Gets the operations source: <c>operations.memory_report</c>, <c>operations.big_keys</c>, <c>operations.set_maxmemory</c>.</summary>
    public static ActivitySource Operations { get; } = new(OperationsName, Version);

    /// <summary>Gets the caching source: <c>cache.factory</c> (the HybridCache factory run) and the cache scripts.</summary>
    public static ActivitySource Caching { get; } = new(CachingName, Version);

    /// <summary>
    /// Ends <paramref name="activity"/> when <paramref name="work"/> (started inside it) completes: tagged by
    /// <paramref name="tag"/> on success, failed (<see cref="Fail"/>) on an exception. Call it right after starting the
    /// span and the work, from a method that is not <c>async</c>: it puts back the caller's current activity, so code
    /// after the call is not inside the span. Without a span it answers <paramref name="work"/> itself.
    /// </summary>
    internal static Task<T> Run<T>(Activity? activity, Task<T> work, Action<Activity, T>? tag = null)
    {
        if (activity is null)
        {
            return work;
        }

        Activity.Current = activity.Parent;
        return CompleteAsync(activity, work, tag);
    }

    /// <inheritdoc cref="Run{T}(Activity?, Task{T}, Action{Activity, T}?)"/>
    internal static Task Run(Activity? activity, Task work)
    {
        if (activity is null)
        {
            return work;
        }

        Activity.Current = activity.Parent;
        return CompleteAsync(activity, work);
    }

    /// <summary>
    /// Marks <paramref name="activity"/> failed: status <see cref="ActivityStatusCode.Error"/> and <c>error.type</c> set
    /// to the exception's full type name (its message may carry user data, so it is left out). Does nothing when
    /// <paramref name="activity"/> is null.
    /// </summary>
    internal static void Fail(Activity? activity, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error);
        if (activity.IsAllDataRequested)
        {
            activity.SetTag(ErrorTypeTag, exception.GetType().FullName);
        }
    }

    private static async Task<T> CompleteAsync<T>(Activity activity, Task<T> work, Action<Activity, T>? tag)
    {
        using (activity)
        {
            try
            {
                var result = await work.ConfigureAwait(false);
                if (tag is not null && activity.IsAllDataRequested)
                {
                    tag(activity, result);
                }

                return result;
            }
            catch (Exception ex)
            {
                Fail(activity, ex);
                throw;
            }
        }
    }

    private static async Task CompleteAsync(Activity activity, Task work)
    {
        using (activity)
        {
            try
            {
                await work.ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Fail(activity, ex);
                throw;
            }
        }
    }
}
