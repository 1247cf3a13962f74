using Medallion.Threading;

namespace OrleansRedis.Client.Locks;

/// <summary>
/// One OrleansRedis lock as an <see cref="IDistributedLock"/>: not reentrant (a second acquire from the same process
/// waits like any other caller), fair, and fenced (<see cref="OrleansRedisDistributedLockHandle.FencingToken"/>).
/// Timeouts follow the DistributedLock contract: <c>TryAcquire</c> returns <see langword="null"/> and <c>Acquire</c>
/// throws <see cref="TimeoutException"/> when the lock is still held after the timeout; a timeout below zero (other than
/// <see cref="Timeout.InfiniteTimeSpan"/>) or above <see cref="int.MaxValue"/> ms throws
/// <see cref="ArgumentOutOfRangeException"/> before anything is sent.
/// </summary>
public sealed class OrleansRedisDistributedLock : IDistributedLock
{
    private readonly LockClient _locks;
    private readonly TimeSpan _lease;

    internal OrleansRedisDistributedLock(string name, LockClient locks, TimeSpan lease)
    {
        Name = name;
        _locks = locks;
        _lease = lease;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public IDistributedSynchronizationHandle? TryAcquire(TimeSpan timeout = default, CancellationToken cancellationToken = default)
    {
        CheckTimeout(timeout);
        cancellationToken.ThrowIfCancellationRequested();
        return Wait(TryAcquireCoreAsync(timeout, cancellationToken));
    }

    /// <inheritdoc />
    public IDistributedSynchronizationHandle Acquire(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var wait = timeout ?? Timeout.InfiniteTimeSpan;
        CheckTimeout(wait);
        cancellationToken.ThrowIfCancellationRequested();
        return Wait(AcquireCoreAsync(wait, cancellationToken));
    }

    /// <inheritdoc />
    public ValueTask<IDistributedSynchronizationHandle?> TryAcquireAsync(TimeSpan timeout = default, CancellationToken cancellationToken = default)
    {
        CheckTimeout(timeout);
        return TryAcquireCoreAsync(timeout, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IDistributedSynchronizationHandle> AcquireAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var wait = timeout ?? Timeout.InfiniteTimeSpan;
        CheckTimeout(wait);
        return AcquireCoreAsync(wait, cancellationToken);
    }

    // The synchronous API blocks on the asynchronous one: the grain calls have no synchronous form.
    private static T Wait<T>(ValueTask<T> task) => task.AsTask().GetAwaiter().GetResult();

    private static void CheckTimeout(TimeSpan timeout)
    {
        if (timeout != Timeout.InfiniteTimeSpan && (timeout < TimeSpan.Zero || timeout.TotalMilliseconds > int.MaxValue))
        {
            throw new ArgumentOutOfRangeException(
                nameof(timeout), timeout, $"The timeout must be between 0 and {int.MaxValue} ms, or Timeout.InfiniteTimeSpan.");
        }
    }

    private async ValueTask<IDistributedSynchronizationHandle> AcquireCoreAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        await TryAcquireCoreAsync(timeout, cancellationToken).ConfigureAwait(false)
        ?? throw new TimeoutException($"Lock '{Name}' was still held after waiting {timeout}.");

    private async ValueTask<IDistributedSynchronizationHandle?> TryAcquireCoreAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var handle = await _locks.TryAcquireAsync(Name, _lease, timeout, cancellationToken).ConfigureAwait(false);
        return handle is null ? null : new OrleansRedisDistributedLockHandle(handle);
    }
}
