namespace OrleansRedis.Abstractions.Caching;

/// <summary>
/// What <see cref="ICacheEntryGrain.GetOrLeaseAsync"/> answered: the value, or a lease that makes the caller the one
/// that runs its factory, or neither (the wait ended while another caller's factory ran: ask again).
/// </summary>
/// <param name="Value">The cached value; <see langword="null"/> on a miss.</param>
/// <param name="Lease">The lease to complete or abandon; set only when this caller must run its factory.</param>
[GenerateSerializer, Immutable, Alias("orleansredis.cache.lookup")]
public sealed record CacheLookup(CacheValue? Value, Guid? Lease);
