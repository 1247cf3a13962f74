namespace OrleansRedis.Abstractions.Locks;

/// <summary>The answer to <see cref="ILockGrain.ExtendAsync"/>.</summary>
/// <param name="Extended">Whether the token still held the lock and its lease was extended.</param>
/// <param name="ExpiresAtUtc">The new expiry by Redis's clock when extended; otherwise <see langword="null"/>.</param>
/// <param name="FencingToken">The lease's fencing token when extended; otherwise 0.</param>
[GenerateSerializer, Immutable, Alias("orleansredis.lock.extend-result")]
public sealed record LockExtendResult(bool Extended, DateTimeOffset? ExpiresAtUtc, long FencingToken);
