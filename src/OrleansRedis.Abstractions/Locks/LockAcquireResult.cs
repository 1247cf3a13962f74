namespace OrleansRedis.Abstractions.Locks;

/// <summary>The answer to <see cref="ILockGrain.AcquireAsync"/>.</summary>
/// <param name="Lease">The lease when the lock was acquired; otherwise <see langword="null"/>.</param>
/// <param name="RetryAfter">When not acquired: how long until the current lease runs out (a hint, not a promise).</param>
/// <param name="HolderOwner">When not acquired: the owner holding the lock, when known.</param>
[GenerateSerializer, Immutable, Alias("orleansredis.lock.acquire-result")]
public sealed record LockAcquireResult(LockLease? Lease, TimeSpan RetryAfter, string? HolderOwner)
{
    /// <summary>Gets whether the lock was acquired.</summary>
    public bool Acquired => Lease is not null;
}
