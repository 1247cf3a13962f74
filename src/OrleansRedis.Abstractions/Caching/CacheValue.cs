namespace OrleansRedis.Abstractions.Caching;

/// <summary>A cached value as the cluster holds it: serialized bytes and the tags it was stored with.</summary>
/// <param name="Bytes">The value, serialized by the caller.</param>
/// <param name="Tags">The tags a <c>RemoveByTagAsync</c> can remove it by.</param>
[GenerateSerializer, Immutable, Alias("orleansredis.cache.value")]
public sealed record CacheValue(byte[] Bytes, string[] Tags);
