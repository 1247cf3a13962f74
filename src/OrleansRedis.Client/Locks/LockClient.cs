using Microsoft.Extensions.Options;
using Orleans.Runtime;
using OrleansRedis.Abstractions.Locks;
using StackExchange.Redis;

namespace OrleansRedis.Client.Locks;

/// <summary>
/// Acquires distributed locks as <see cref="LockHandle"/>s that renew themselves:
/// <c>await using var handle = await locks.AcquireAsync(name, lease, wait, ct);</c>. Waits longer than one grain call
/// are a loop of bounded calls, each queueing in the lock's FIFO queue; transient failures (a silo dying, Redis
/// unreachable for a moment) are retried until the wait ends.
/// </summary>
public sealed class LockClient(IGrainFactory grains, IOptions<LockClientOptions> options, TimeProvider time)
{
    // A waiting call answers within its wait plus two Redis round trips. One that takes longer went to a silo that
    // died: give up on it and ask again (the grain's next activation), instead of sitting out the 30 s call timeout.
    private static readonly TimeSpan CallSlack = TimeSpan.FromSeconds(5);

    /// <summary>Creates a client without dependency injection.</summary>
    public static LockClient Create(IGrainFactory grains, LockClientOptions? options = null, TimeProvider? time = null)
    {
        var value = options ?? new LockClientOptions();
        var errors = LockClientOptionsValidator.Errors(value).ToList();
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(nameof(LockClientOptions), typeof(LockClientOptions), errors);
        }

        return new LockClient(grains, Options.Create(value), time ?? TimeProvider.System);
    }

    /// <summary>
    /// Acquires lock <paramref name="name"/> for <paramref name="lease"/> (renewed in the background until disposed),
    /// waiting up to <paramref name="wait"/> (<see cref="Timeout.InfiniteTimeSpan"/>: until cancelled).
    /// </summary>
    /// <exception cref="LockException"><see cref="LockErrorCode.WaitTimedOut"/> when still held after the wait;
    /// <see cref="LockErrorCode.Unavailable"/> when the cluster or Redis failed until the wait ended.</exception>
    public async Task<LockHandle> AcquireAsync(string name, TimeSpan lease, TimeSpan wait, CancellationToken cancellationToken = default) =>
        await TryAcquireAsync(name, lease, wait, cancellationToken).ConfigureAwait(false)
        ?? throw new LockException(LockErrorCode.WaitTimedOut, name, $"Lock '{name}' was still held after waiting {wait}.");

    /// <summary>Like <see cref="AcquireAsync"/>, but returns <see langword="null"/> when the lock is still held after the wait.</summary>
    public async Task<LockHandle?> TryAcquireAsync(string name, TimeSpan lease, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        if (!LockLimits.IsValidName(name))
        {
            throw new ArgumentException($"A lock name of 1-{LockLimits.MaxNameLength} characters without control characters is required.", nameof(name));
        }

        var settings = options.Value;
        if (lease <= TimeSpan.Zero)
        {
            throw new ArgumentException($"The lease must be greater than 0 (it was {lease}).", nameof(lease));
        }

        var renewEvery = settings.RenewInterval ?? lease / 3;
        if (renewEvery >= lease)
        {
            throw new ArgumentException($"OrleansRedis:LockClient:RenewInterval ({renewEvery}) must be shorter than the lease ({lease}).", nameof(lease));
        }

        if (wait < TimeSpan.Zero && wait != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException($"The wait must not be negative (it was {wait}).", nameof(wait));
        }

        var grain = grains.GetGrain<ILockGrain>(name);
        var deadline = wait == Timeout.InfiniteTimeSpan ? long.MaxValue : time.GetTimestamp() + Ticks(wait);
        while (true)
        {
            var remaining = Until(deadline);
            var callWait = remaining < settings.MaxWaitPerCall ? remaining : settings.MaxWaitPerCall;
            var started = time.GetTimestamp();
            TimeSpan pause;
            // Timed by the injected clock like every other wait here, so a test's fake clock decides it too.
            using var callSlack = new CancellationTokenSource(callWait + CallSlack, time);
            using var callTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, callSlack.Token);
            try
            {
                var result = await grain.AcquireAsync(settings.Owner, lease, callWait, callTimeout.Token).ConfigureAwait(false);
                if (result.Lease is { } granted)
                {
                    // The lease began no earlier than this call did: counting from here never overestimates it.
                    return new LockHandle(grain, granted, lease, renewEvery, started, settings, time);
                }

                // A call that answered long before its wait (the queue was full, the activation moved) must not spin.
                pause = time.GetElapsedTime(started) < callWait - settings.RetryDelay ? settings.RetryDelay : TimeSpan.Zero;
            }
            catch (Exception ex) when ((IsTransient(ex) || callTimeout.IsCancellationRequested) && !cancellationToken.IsCancellationRequested)
            {
                if (Until(deadline) <= TimeSpan.Zero)
                {
                    throw new LockException(LockErrorCode.Unavailable, name, $"Lock '{name}' could not be acquired: {ex.Message}", ex);
                }

                pause = settings.RetryDelay;
            }

            if (Until(deadline) <= TimeSpan.Zero)
            {
                return null;
            }

            if (pause > TimeSpan.Zero)
            {
                var left = Until(deadline);
                await Task.Delay(pause < left ? pause : left, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Returns whether <paramref name="exception"/> says the cluster or Redis could not be reached for now, as opposed
    /// to a bad request: only those are worth a retry.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        ArgumentException or OperationCanceledException or LockException => false,
        TimeoutException or RedisException or OrleansException => true,
        _ => exception.InnerException is { } inner && IsTransient(inner),
    };

    private TimeSpan Until(long deadline)
    {
        if (deadline == long.MaxValue)
        {
            return TimeSpan.MaxValue;
        }

        var left = deadline - time.GetTimestamp();
        return left <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)left / time.TimestampFrequency);
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);
}
