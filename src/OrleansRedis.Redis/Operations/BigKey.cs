namespace OrleansRedis.Redis.Operations;

/// <summary>One key of a big-keys scan.</summary>
/// <param name="Key">The key.</param>
/// <param name="Type">Its Redis type (string, hash, zset, ...).</param>
/// <param name="Bytes">Its size by <c>MEMORY USAGE</c> (Redis's default sampling of 5 nested elements).</param>
/// <param name="Elements">Its element count (length for a string).</param>
/// <param name="Prefix">The group it belongs to (see <see cref="KeyGroups"/>).</param>
public sealed record BigKey(string Key, string Type, long Bytes, long Elements, string Prefix);
