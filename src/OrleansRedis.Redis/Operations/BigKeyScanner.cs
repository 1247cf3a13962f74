using StackExchange.Redis;
using OrleansRedis.Abstractions.Diagnostics;

namespace OrleansRedis.Redis.Operations;

/// <summary>
/// Finds the biggest keys by bytes the way <c>redis-cli --memkeys</c> does: <c>SCAN</c> in bounded batches (never
/// <c>KEYS</c>, which blocks Redis), then <c>MEMORY USAGE</c> and an element count per key, pipelined per batch. On a
/// Redis Cluster it scans every master in turn (replicas hold copies), and the report is complete only when every
/// master was scanned to the end and the masters serve every slot.
/// </summary>
public sealed class BigKeyScanner(RedisAdminConnections connections, RedisKeys keys)
{
    /// <summary>The most keys one scan may measure, whatever the caller asks.</summary>
    public const int MaxKeysLimit = 1_000_000;

    /// <summary>Scans up to <paramref name="maxKeys"/> keys (over all masters) in batches of <paramref name="batchSize"/>.</summary>
    public Task<BigKeysReport> ScanAsync(RedisRole role, int top, int maxKeys, int batchSize, CancellationToken cancellationToken) =>
        OrleansRedisActivitySources.Run(OrleansRedisActivitySources.Operations.StartActivity("operations.big_keys"), ScanCoreAsync(role, top, maxKeys, batchSize, cancellationToken));

    private async Task<BigKeysReport> ScanCoreAsync(RedisRole role, int top, int maxKeys, int batchSize, CancellationToken cancellationToken)
    {
        var topology = await connections.NodesAsync(role).ConfigureAwait(false);
        var largest = new PriorityQueue<BigKey, long>();
        var prefixes = new Dictionary<string, (long Keys, long Bytes)>(StringComparer.Ordinal);
        var nodes = new List<ScannedNode>();
        long scanned = 0, bytes = 0;
        var batch = new List<RedisKey>(batchSize);

        foreach (var server in topology.Masters)
        {
            // MEMORY USAGE goes by key: the multiplexer routes each to the master holding its slot.
            var database = server.Multiplexer.GetDatabase();
            var before = scanned;
            var complete = true;
            await foreach (var key in server.KeysAsync(database.Database, "*", batchSize).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (scanned + batch.Count >= maxKeys)
                {
                    complete = false;
                    break;
                }

                batch.Add(key);
                if (batch.Count == batchSize)
                {
                    (scanned, bytes) = await MeasureAsync(database, batch, top, largest, prefixes, scanned, bytes).ConfigureAwait(false);
                    batch.Clear();
                }
            }

            (scanned, bytes) = await MeasureAsync(database, batch, top, largest, prefixes, scanned, bytes).ConfigureAwait(false);
            batch.Clear();
            nodes.Add(new ScannedNode(server.EndPoint.ToString() ?? "unknown", scanned - before, complete));
        }

        var topKeys = new List<BigKey>();
        while (largest.TryDequeue(out var key, out _))
        {
            topKeys.Add(key);
        }

        topKeys.Reverse();
        var totals = prefixes
            .Select(p => new PrefixTotal(p.Key, p.Value.Keys, p.Value.Bytes))
            .OrderByDescending(p => p.Bytes)
            .ToList();
        return new BigKeysReport(role, scanned, bytes, topology.CoversAllSlots && nodes.All(node => node.Complete), topKeys, totals, nodes);
    }

    private async Task<(long Scanned, long Bytes)> MeasureAsync(
        IDatabase database, List<RedisKey> batch, int top, PriorityQueue<BigKey, long> largest,
        Dictionary<string, (long Keys, long Bytes)> prefixes, long scanned, long bytes)
    {
        if (batch.Count == 0)
        {
            return (scanned, bytes);
        }

        var sizes = batch.Select(key => database.ExecuteAsync("MEMORY", "USAGE", key)).ToArray();
        var types = batch.Select(key => database.KeyTypeAsync(key)).ToArray();
        await Task.WhenAll(Task.WhenAll(sizes), Task.WhenAll(types)).ConfigureAwait(false);
        var counts = batch.Select((key, i) => CountAsync(database, key, types[i].Result)).ToArray();
        await Task.WhenAll(counts).ConfigureAwait(false);

        for (var i = 0; i < batch.Count; i++)
        {
            if (sizes[i].Result.IsNull)
            {
                continue; // Deleted or expired between SCAN and MEMORY USAGE.
            }

            var size = (long)sizes[i].Result;
            var group = KeyGroups.Of(batch[i]!, keys.Prefix);
            var key = new BigKey(batch[i]!, types[i].Result.ToString().ToLowerInvariant(), size, counts[i].Result, group);
            scanned++;
            bytes += size;
            prefixes[group] = prefixes.TryGetValue(group, out var total) ? (total.Keys + 1, total.Bytes + size) : (1, size);
            largest.Enqueue(key, size);
            if (largest.Count > top)
            {
                largest.Dequeue();
            }
        }

        return (scanned, bytes);
    }

    private static Task<long> CountAsync(IDatabase database, RedisKey key, RedisType type) => type switch
    {
        RedisType.String => database.StringLengthAsync(key),
        RedisType.Hash => database.HashLengthAsync(key),
        RedisType.List => database.ListLengthAsync(key),
        RedisType.Set => database.SetLengthAsync(key),
        RedisType.SortedSet => database.SortedSetLengthAsync(key),
        RedisType.Stream => database.StreamLengthAsync(key),
        _ => Task.FromResult(0L),
    };
}
