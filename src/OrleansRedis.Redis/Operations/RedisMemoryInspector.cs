using System.Globalization;
using StackExchange.Redis;

namespace OrleansRedis.Redis.Operations;

/// <summary>Reads a Redis's memory, eviction and persistence state (INFO, CONFIG GET) into a <see cref="RedisMemoryReport"/>.</summary>
public sealed class RedisMemoryInspector(RedisAdminConnections connections)
{
    /// <summary>Gets the roles with a Redis of their own: State, and Cache when it is separate.</summary>
    public IReadOnlyList<RedisRole> Roles => connections.HasSeparateCache ? [RedisRole.State, RedisRole.Cache] : [RedisRole.State];

    /// <summary>Builds the report of <paramref name="role"/>'s Redis.</summary>
    public async Task<RedisMemoryReport> GetReportAsync(RedisRole role)
    {
        // Without a separate Cache Redis, "cache" is the State Redis and must be judged by the State rules.
        role = connections.HasSeparateCache ? role : RedisRole.State;
        var server = await connections.ServerAsync(role).ConfigureAwait(false);
        var info = (await server.InfoAsync().ConfigureAwait(false))
            .SelectMany(group => group)
            .GroupBy(pair => pair.Key)
            .ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);
        var appendFsync = await TryConfigGetAsync(server, "appendfsync").ConfigureAwait(false);

        var policy = Text(info, "maxmemory_policy", "unknown");
        var maxMemory = Long(info, "maxmemory");
        var aof = Text(info, "aof_enabled", "0") == "1";
        var fragmentation = Double(info, "mem_fragmentation_ratio");
        var used = Long(info, "used_memory");
        var (keys, expiring) = KeyCounts(info);
        var lastSave = Long(info, "rdb_last_save_time");

        return new RedisMemoryReport(
            role,
            server.EndPoint.ToString() ?? "unknown",
            Text(info, "redis_version", "unknown"),
            used,
            Text(info, "used_memory_human", ""),
            Long(info, "used_memory_peak"),
            Long(info, "used_memory_rss"),
            fragmentation,
            maxMemory,
            policy,
            Long(info, "evicted_keys"),
            Long(info, "expired_keys"),
            keys,
            expiring,
            aof,
            appendFsync,
            lastSave > 0 ? DateTimeOffset.FromUnixTimeSeconds(lastSave) : null,
            MemoryWarnings.Evaluate(role, policy, maxMemory, aof, fragmentation, used));
    }

    /// <summary>Reads one CONFIG value, or <see langword="null"/> where CONFIG is forbidden.</summary>
    public static async Task<string?> TryConfigGetAsync(IServer server, string name)
    {
        try
        {
            var values = await server.ConfigGetAsync(name).ConfigureAwait(false);
            return values.FirstOrDefault(v => v.Key == name).Value;
        }
        catch (RedisServerException)
        {
            return null;
        }
    }

    // "db0:keys=12,expires=3,avg_ttl=0"
    private static (long Keys, long Expiring) KeyCounts(Dictionary<string, string> info)
    {
        long keys = 0, expiring = 0;
        foreach (var value in info.Where(pair => pair.Key.StartsWith("db", StringComparison.Ordinal)).Select(pair => pair.Value))
        {
            foreach (var part in value.Split(','))
            {
                var pair = part.Split('=');
                if (pair.Length == 2 && long.TryParse(pair[1], CultureInfo.InvariantCulture, out var number))
                {
                    keys += pair[0] == "keys" ? number : 0;
                    expiring += pair[0] == "expires" ? number : 0;
                }
            }
        }

        return (keys, expiring);
    }

    private static string Text(Dictionary<string, string> info, string key, string fallback) =>
        info.TryGetValue(key, out var value) ? value : fallback;

    private static long Long(Dictionary<string, string> info, string key) =>
        info.TryGetValue(key, out var value) && long.TryParse(value, CultureInfo.InvariantCulture, out var number) ? number : 0;

    private static double Double(Dictionary<string, string> info, string key) =>
        info.TryGetValue(key, out var value) && double.TryParse(value, CultureInfo.InvariantCulture, out var number) ? number : 0;
}
