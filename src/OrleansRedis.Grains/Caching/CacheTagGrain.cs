using Orleans.Concurrency;
using OrleansRedis.Abstractions.Caching;
using OrleansRedis.Redis.Caching;

namespace OrleansRedis.Grains.Caching;

/// <summary>
/// One tag of a cluster cache; see <see cref="ICacheTagGrain"/>. Holds no state: the tag's entries are a Redis set,
/// taken and deleted in one step, and each entry is removed through its own grain so that a factory running for it
/// cannot store an older value afterwards.
/// </summary>
[GrainType("cache-tag")]
[Reentrant]
public sealed class CacheTagGrain(HybridCacheStore store) : Grain, ICacheTagGrain
{
    private const int RemoveBatch = 100;

    /// <inheritdoc />
    public async Task<int> RemoveAsync()
    {
        var entries = await store.TakeTagAsync(this.GetPrimaryKeyString());
        foreach (var batch in entries.Chunk(RemoveBatch))
        {
            await Task.WhenAll(batch.Select(entry => GrainFactory.GetGrain<ICacheEntryGrain>(entry).RemoveAsync()));
        }

        return entries.Length;
    }
}
