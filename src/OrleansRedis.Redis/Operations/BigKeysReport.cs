namespace OrleansRedis.Redis.Operations;

/// <summary>The result of a bounded big-keys scan.</summary>
/// <param name="Role">The Redis scanned.</param>
/// <param name="ScannedKeys">How many keys were measured.</param>
/// <param name="ScannedBytes">Their total size; the sum of <paramref name="Prefixes"/>' bytes.</param>
/// <param name="Complete">Whether the scan covered the whole keyspace (false when it stopped at the key limit).</param>
/// <param name="Top">The largest keys by bytes, largest first.</param>
/// <param name="Prefixes">Totals per key group, largest first.</param>
public sealed record BigKeysReport(
    RedisRole Role, long ScannedKeys, long ScannedBytes, bool Complete, IReadOnlyList<BigKey> Top, IReadOnlyList<PrefixTotal> Prefixes);
