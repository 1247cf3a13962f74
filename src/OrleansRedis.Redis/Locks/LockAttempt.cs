namespace OrleansRedis.Redis.Locks;

/// <summary>The outcome of one attempt to take a lock.</summary>
/// <param name="Acquired">Whether the lease was set.</param>
/// <param name="FencingToken">The new lease's fencing token when acquired.</param>
/// <param name="ExpiresAtUtc">The new lease's expiry when acquired (Redis's clock).</param>
/// <param name="Remaining">When held by someone else: how long that lease still runs.</param>
/// <param name="Holder">When held by someone else: who holds it.</param>
/// <param name="RedisNow">Redis's clock when the script ran.</param>
public sealed record LockAttempt(bool Acquired, long FencingToken, DateTimeOffset ExpiresAtUtc, TimeSpan Remaining, LockHolder? Holder, DateTimeOffset RedisNow)
{
    /// <summary>A granted lease.</summary>
    public static LockAttempt Granted(long fencingToken, DateTimeOffset now, DateTimeOffset expiresAtUtc) =>
        new(true, fencingToken, expiresAtUtc, TimeSpan.Zero, null, now);

    /// <summary>A lock held by someone else for <paramref name="remainingMs"/> more milliseconds.</summary>
    public static LockAttempt Held(long remainingMs, DateTimeOffset now, LockHolder? holder) =>
        new(false, 0, default, TimeSpan.FromMilliseconds(remainingMs), holder, now);
}
