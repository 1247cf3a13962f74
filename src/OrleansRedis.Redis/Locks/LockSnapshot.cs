namespace OrleansRedis.Redis.Locks;

/// <summary>A lock as read from Redis.</summary>
/// <param name="Holder">The holder; <see langword="null"/> when free.</param>
/// <param name="FencingCounter">The highest fencing token ever issued for the lock (0: never).</param>
/// <param name="ExpiresAtUtc">When the holder's lease runs out (Redis's clock); <see langword="null"/> when free.</param>
/// <param name="RedisNow">Redis's clock when read.</param>
public sealed record LockSnapshot(LockHolder? Holder, long FencingCounter, DateTimeOffset? ExpiresAtUtc, DateTimeOffset RedisNow);
