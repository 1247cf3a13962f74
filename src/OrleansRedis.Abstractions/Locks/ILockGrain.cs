namespace OrleansRedis.Abstractions.Locks;

/// <summary>
/// A distributed lock named by the grain key. Redis holds the lease (one atomic script per decision, timed by Redis's
/// clock), so the lock is never granted twice even when silos die or two activations briefly coexist; the grain queues
/// waiters in arrival order and hands the lock over when it is released or when the holder's lease runs out.
/// </summary>
/// <remarks>
/// A lease can run out while its holder still works (a pause, a slow network). Every lease therefore carries a
/// <see cref="LockLease.FencingToken"/> that only grows: the resource the lock protects must reject any write whose
/// fencing token is not greater than the highest it has seen.
/// </remarks>
[Alias("orleansredis.lock")]
public interface ILockGrain : IGrainWithStringKey
{
    /// <summary>
    /// Acquires the lock for <paramref name="lease"/>, waiting up to <paramref name="wait"/> in a first-come,
    /// first-served queue when it is held. A wait longer than the silo's <c>Locks:MaxWait</c> is cut to it, so a call
    /// always returns before the grain call timeout; callers that need to wait longer call again.
    /// </summary>
    /// <param name="owner">Who asks, for operators (1-256 printable characters); not a credential.</param>
    /// <param name="lease">How long the lease lasts unless extended; whole milliseconds, at most <c>Locks:MaxLease</c>.</param>
    /// <param name="wait">How long to queue when the lock is held; <see cref="TimeSpan.Zero"/> tries once.</param>
    /// <param name="cancellationToken">Cancels the wait and leaves the queue.</param>
    /// <returns>The lease when acquired; otherwise when to try again and who holds the lock.</returns>
    /// <exception cref="ArgumentException">The owner, lease or wait is invalid.</exception>
    [Alias("acquire")]
    Task<LockAcquireResult> AcquireAsync(string owner, TimeSpan lease, TimeSpan wait, CancellationToken cancellationToken = default);

    /// <summary>
    /// Extends the lease of <paramref name="token"/> to <paramref name="lease"/> from now (Redis's clock), only while
    /// the token still holds the lock: an expired or foreign token never extends the next holder's lease.
    /// </summary>
    /// <param name="token">The <see cref="LockLease.Token"/> of the lease to extend.</param>
    /// <param name="lease">The new lease length from now; at most <c>Locks:MaxLease</c>.</param>
    /// <returns>Whether the lease was extended, and its new expiry.</returns>
    [Alias("extend")]
    Task<LockExtendResult> ExtendAsync(string token, TimeSpan lease);

    /// <summary>
    /// Releases the lock when <paramref name="token"/> holds it and hands it to the next waiter. An expired or foreign
    /// token is refused and never deletes the current holder's lease.
    /// </summary>
    /// <param name="token">The <see cref="LockLease.Token"/> of the lease to release.</param>
    /// <returns><see langword="true"/> when the token held the lock and it was released.</returns>
    [Alias("release")]
    Task<bool> ReleaseAsync(string token);

    /// <summary>Reads the lock as Redis has it now, plus this activation's queue length.</summary>
    /// <returns>The current state; consumes nothing.</returns>
    [Alias("state")]
    Task<LockState> GetStateAsync();
}
