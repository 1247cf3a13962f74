namespace OrleansRedis.Redis.Operations;

/// <summary>The keys and bytes of one key group in a big-keys scan.</summary>
public sealed record PrefixTotal(string Prefix, long Keys, long Bytes);
