namespace OrleansRedis.Redis.Operations;

/// <summary>The result of a bounded big-keys scan.</summary>
/// <param name="Role">The Redis scanned.</param>
/// <param name="ScannedKeys">How many keys were measured.</param>
/// <param name="ScannedBytes">Their total size; the sum of <paramref name="Prefixes"/>' bytes.</param>
/// <param name="Complete">
/// Whether the scan covered the whole keyspace: false when it stopped at the key limit, and on a Redis Cluster when a
/// master was not scanned to the end or the live masters do not serve every slot.
/// </param>
/// <param name="Top">The largest keys by bytes, largest first.</param>
/// <param name="Prefixes">Totals per key group, largest first.</param>
/// <param name="Nodes">Each master scanned (the one server of a single Redis), with its keys and whether it was scanned to the end.</param>
public sealed record BigKeysReport(
    RedisRole Role, long ScannedKeys, long ScannedBytes, bool Complete, IReadOnlyList<BigKey> Top, IReadOnlyList<PrefixTotal> Prefixes,
    IReadOnlyList<ScannedNode> Nodes);

/// <summary>One server of a big-keys scan.</summary>
/// <param name="Endpoint">The server.</param>
/// <param name="ScannedKeys">How many of its keys were measured.</param>
/// <param name="Complete">Whether its SCAN ran to the end.</param>
public sealed record ScannedNode(string Endpoint, long ScannedKeys, bool Complete);
