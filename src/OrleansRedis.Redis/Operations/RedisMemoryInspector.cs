using System.Globalization;
using StackExchange.Redis;
using OrleansRedis.Abstractions.Diagnostics;

namespace OrleansRedis.Redis.Operations;

/// <summary>Reads a Redis's memory, eviction and persistence state (INFO, CONFIG GET) into a <see cref="RedisMemoryReport"/>.</summary>
public sealed class RedisMemoryInspector(RedisAdminConnections connections)
{
    /// <summary>Gets the roles with a Redis of their own: State, and Cache when it is separate.</summary>
    public IReadOnlyList<RedisRole> Roles => connections.HasSeparateCache ? [RedisRole.State, RedisRole.Cache] : [RedisRole.State];

    /// <summary>Builds the report of <paramref name="role"/>'s Redis: every node of a Redis Cluster, and their totals.</summary>
    public Task<RedisMemoryReport> GetReportAsync(RedisRole role) =>
        OrleansRedisActivitySources.Run(OrleansRedisActivitySources.Operations.StartActivity("operations.memory_report"), GetReportCoreAsync(role));

    private async Task<RedisMemoryReport> GetReportCoreAsync(RedisRole role)
    {
        // Without a separate Cache Redis, "cache" is the State Redis and must be judged by the State rules.
        role = connections.HasSeparateCache ? role : RedisRole.State;
        var topology = await connections.NodesAsync(role).ConfigureAwait(false);
        var nodes = new List<RedisNodeMemory>();
        foreach (var (server, replica) in topology.Masters.Select(s => (s, false)).Concat(topology.Replicas.Select(s => (s, true))))
        {
            nodes.Add(await NodeAsync(server, replica).ConfigureAwait(false));
        }

        // A replica is judged as a master: a failover makes it one, with the policy it has now.
        var warnings = nodes
            .SelectMany(node => MemoryWarnings.Evaluate(role, node.MaxMemoryPolicy, node.MaxMemoryBytes, node.AofEnabled, node.FragmentationRatio, node.UsedMemoryBytes)
                .Select(warning => topology.IsCluster ? warning with { Message = $"{node.Endpoint}{(node.IsReplica ? " (replica)" : "")}: {warning.Message}" } : warning))
            .ToList();
        if (!topology.CoversAllSlots)
        {
            warnings.Insert(0, MemoryWarnings.SlotsUncovered(role, topology.SlotsCovered));
        }

        var masters = nodes.Where(node => !node.IsReplica).ToList();
        var used = nodes.Sum(node => node.UsedMemoryBytes);
        return new RedisMemoryReport(
            role,
            string.Join(",", masters.Select(node => node.Endpoint)),
            Common(nodes, node => node.RedisVersion) ?? "mixed",
            used,
            nodes.Count == 1 ? nodes[0].UsedMemoryHuman : $"{used / (1024.0 * 1024.0):0.00}M",
            nodes.Sum(node => node.PeakMemoryBytes),
            nodes.Sum(node => node.RssBytes),
            nodes.Max(node => node.FragmentationRatio),
            masters.Any(node => node.MaxMemoryBytes == 0) ? 0 : masters.Sum(node => node.MaxMemoryBytes),
            Common(nodes, node => node.MaxMemoryPolicy) ?? "mixed",
            masters.Sum(node => node.EvictedKeys),
            masters.Sum(node => node.ExpiredKeys),
            masters.Sum(node => node.Keys),
            masters.Sum(node => node.KeysWithExpiry),
            nodes.All(node => node.AofEnabled),
            Common(nodes, node => node.AppendFsync) ?? (nodes.Count == 1 ? null : "mixed"),
            masters.Min(node => node.LastRdbSaveUtc),
            warnings,
            topology.IsCluster ? "cluster" : "standalone",
            topology.CoversAllSlots,
            nodes);
    }

    private static async Task<RedisNodeMemory> NodeAsync(IServer server, bool replica)
    {
        var info = (await server.InfoAsync().ConfigureAwait(false))
            .SelectMany(group => group)
            .GroupBy(pair => pair.Key)
            .ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);
        var (keys, expiring) = KeyCounts(info);
        var lastSave = Long(info, "rdb_last_save_time");
        return new RedisNodeMemory(
            server.EndPoint.ToString() ?? "unknown",
            replica,
            Text(info, "redis_version", "unknown"),
            Long(info, "used_memory"),
            Text(info, "used_memory_human", ""),
            Long(info, "used_memory_peak"),
            Long(info, "used_memory_rss"),
            Double(info, "mem_fragmentation_ratio"),
            Long(info, "maxmemory"),
            Text(info, "maxmemory_policy", "unknown"),
            Long(info, "evicted_keys"),
            Long(info, "expired_keys"),
            keys,
            expiring,
            Text(info, "aof_enabled", "0") == "1",
            await TryConfigGetAsync(server, "appendfsync").ConfigureAwait(false),
            lastSave > 0 ? DateTimeOffset.FromUnixTimeSeconds(lastSave) : null);
    }

    private static string? Common(IReadOnlyList<RedisNodeMemory> nodes, Func<RedisNodeMemory, string?> value) =>
        nodes.Select(value).Distinct(StringComparer.Ordinal).Count() == 1 ? value(nodes[0]) : null;

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
