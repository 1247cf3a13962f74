using System.Diagnostics;
using OrleansRedis.Abstractions.Diagnostics;
using StackExchange.Redis;

namespace OrleansRedis.Redis;

/// <summary>
/// Runs a store's Lua script inside a client span of its capability's source, named and tagged by the OpenTelemetry
/// database conventions: <c>db.system.name</c> = <c>redis</c>, <c>db.operation.name</c> = the script's name (never its
/// body, keys or values). Without a listener this is the plain <c>ScriptEvaluateAsync</c> call: no span, no allocation.
/// </summary>
internal static class TracedScripts
{
    public const string DbSystemTag = "db.system.name";
    public const string DbOperationTag = "db.operation.name";

    /// <summary>Runs <paramref name="script"/> (EVALSHA, EVAL on NOSCRIPT) as the operation <paramref name="operation"/>.</summary>
    public static Task<RedisResult> ScriptEvaluateAsync(
        this IDatabaseAsync database, ActivitySource source, string operation, string script, RedisKey[]? keys = null, RedisValue[]? values = null)
    {
        var activity = source.StartActivity(operation, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(DbSystemTag, "redis");
            activity.SetTag(DbOperationTag, operation);
        }

        return OrleansRedisActivitySources.Run(activity, database.ScriptEvaluateAsync(script, keys, values));
    }
}
