namespace OrleansRedis.Abstractions.Caching;

/// <summary>
/// One key of a cluster cache (keyed by <see cref="CacheNames.GrainKey"/>): elects the one caller in the whole cluster
/// that runs its factory on a miss, and hands that caller's value to every other one waiting. The value lives in
/// the Cache Redis with its expiration, so it survives the grain; the grain only coordinates. Used by
/// <c>OrleansRedisHybridCache</c>.
/// </summary>
[Alias("orleansredis.cache-entry")]
public interface ICacheEntryGrain : IGrainWithStringKey
{
    /// <summary>
    /// Returns the cached value; on a miss, either a lease (this caller runs its factory, within
    /// <paramref name="leaseTime"/>, then calls <see cref="CompleteAsync"/> or <see cref="AbandonAsync"/>), or, while
    /// another caller holds the lease, that caller's value as soon as it completes, waiting at most
    /// <paramref name="wait"/> (then neither: ask again).
    /// </summary>
    [Alias("get-or-lease")]
    Task<CacheLookup> GetOrLeaseAsync(TimeSpan leaseTime, TimeSpan wait);

    /// <summary>Stores the value the lease holder made for <paramref name="expiration"/> and hands it to the waiters.</summary>
    /// <returns>Whether it was stored: <see langword="false"/> when the lease ran out or the key was set or removed meanwhile.</returns>
    [Alias("complete")]
    Task<bool> CompleteAsync(Guid lease, CacheValue value, TimeSpan expiration);

    /// <summary>Gives the lease up (the factory failed): one of the waiters gets the next one.</summary>
    [Alias("abandon")]
    Task AbandonAsync(Guid lease);

    /// <summary>Stores <paramref name="value"/> for <paramref name="expiration"/>, whatever is cached or being made.</summary>
    [Alias("set")]
    Task SetAsync(CacheValue value, TimeSpan expiration);

    /// <summary>Removes the value; a factory running meanwhile cannot store its (older) value any more.</summary>
    /// <returns>Whether a value was removed.</returns>
    [Alias("remove")]
    Task<bool> RemoveAsync();
}
