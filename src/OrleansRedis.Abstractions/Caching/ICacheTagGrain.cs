namespace OrleansRedis.Abstractions.Caching;

/// <summary>One tag of a cluster cache (keyed by <see cref="CacheNames.GrainKey"/> of the tag): removes its entries.</summary>
[Alias("orleansredis.cache-tag")]
public interface ICacheTagGrain : IGrainWithStringKey
{
    /// <summary>Removes every entry stored with this tag, through each entry's grain.</summary>
    /// <returns>How many entries the tag listed.</returns>
    [Alias("remove")]
    Task<int> RemoveAsync();
}
