using Medallion.Threading;

namespace OrleansRedis.Client.Locks;

/// <summary>
/// A held OrleansRedis lock as an <see cref="IDistributedSynchronizationHandle"/>: it renews its lease until disposed,
/// <see cref="HandleLostToken"/> is <see cref="LockHandle.LostToken"/>, and <see cref="FencingToken"/> is the number to
/// send with every write to the protected resource. Disposing releases the lock; a second dispose does nothing.
/// </summary>
public sealed class OrleansRedisDistributedLockHandle : IDistributedSynchronizationHandle
{
    private readonly LockHandle _handle;
    private int _disposed;

    internal OrleansRedisDistributedLockHandle(LockHandle handle) => _handle = handle;

    /// <summary>Gets the underlying handle (lease, token, loss reason).</summary>
    public LockHandle Lock => _handle;

    /// <summary>Gets the fencing token of this hold: greater than that of every earlier hold of the lock.</summary>
    public long FencingToken => _handle.FencingToken;

    /// <inheritdoc />
    /// <exception cref="ObjectDisposedException">The handle was disposed.</exception>
    public CancellationToken HandleLostToken
    {
        get
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
            return _handle.LostToken;
        }
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _disposed, 1) == 0 ? _handle.DisposeAsync() : ValueTask.CompletedTask;
}
