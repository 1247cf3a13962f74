using OrleansRedis.Abstractions.Locks;

namespace OrleansRedis.Client.Locks;

/// <summary>
/// A held lock that renews its lease in the background (every <see cref="LockClientOptions.RenewInterval"/>) until
/// disposed, for at most <see cref="LockClientOptions.MaxHoldTime"/>. Watch <see cref="LostToken"/>: it is cancelled
/// when a renewal is refused, when the lease would run out before a renewal got through, or when the hold cap is
/// reached; from then on the holder must stop, and the <see cref="FencingToken"/> it sends to the protected resource
/// makes any write it still makes rejectable. Disposing releases the lock.
/// </summary>
public sealed class LockHandle : IAsyncDisposable
{
    private readonly ILockGrain _grain;
    private readonly TimeSpan _lease;
    private readonly TimeSpan _renewEvery;
    private readonly LockClientOptions _options;
    private readonly TimeProvider _time;
    private readonly long _holdCapAt;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewal;
    private long _localDeadline;
    private long _expiresAtUnixMs;
    private int _released;
    private string? _lossReason;

    internal LockHandle(ILockGrain grain, LockLease lease, TimeSpan leaseLength, TimeSpan renewEvery, long startedAt, LockClientOptions options, TimeProvider time)
    {
        _grain = grain;
        _lease = leaseLength;
        _renewEvery = renewEvery;
        _options = options;
        _time = time;
        Lease = lease;
        _expiresAtUnixMs = lease.ExpiresAtUtc.ToUnixTimeMilliseconds();
        _localDeadline = startedAt + Ticks(leaseLength);
        _holdCapAt = startedAt + Ticks(options.MaxHoldTime);
        _renewal = Task.Run(RenewLoopAsync);
    }

    /// <summary>Gets the lease as granted.</summary>
    public LockLease Lease { get; }

    /// <summary>Gets the lock's name.</summary>
    public string Name => Lease.Name;

    /// <summary>Gets the lease's secret token.</summary>
    public string Token => Lease.Token;

    /// <summary>Gets the fencing token to send with every write to the protected resource.</summary>
    public long FencingToken => Lease.FencingToken;

    /// <summary>Gets when the lease runs out by Redis's clock, as of the last renewal.</summary>
    public DateTimeOffset ExpiresAtUtc => DateTimeOffset.FromUnixTimeMilliseconds(Volatile.Read(ref _expiresAtUnixMs));

    /// <summary>Gets a token cancelled when the lock is lost (or may be lost); the holder must stop working then.</summary>
    public CancellationToken LostToken => _lost.Token;

    /// <summary>Gets whether the lock is lost.</summary>
    public bool IsLost => _lost.IsCancellationRequested;

    /// <summary>Gets why the lock was lost; <see langword="null"/> while held.</summary>
    public string? LossReason => Volatile.Read(ref _lossReason);

    /// <summary>
    /// Stops renewing and releases the lock (handing it to the next waiter). Later calls do nothing and return
    /// <see langword="false"/>.
    /// </summary>
    /// <returns><see langword="true"/> when this lease still held the lock and released it.</returns>
    public async Task<bool> ReleaseAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) == 1)
        {
            return false;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _renewal.ConfigureAwait(false);
        return await _grain.ReleaseAsync(Token).ConfigureAwait(false);
    }

    /// <summary>
    /// Releases the lock. A release that fails because the cluster or Redis is unreachable is not an error here: the
    /// lease then simply runs out. Call <see cref="ReleaseAsync"/> to observe the outcome.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await ReleaseAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (LockClient.IsTransient(ex))
        {
            _ = ex;
        }
    }

    private async Task RenewLoopAsync()
    {
        var delay = _renewEvery;
        try
        {
            while (true)
            {
                var untilCap = Until(_holdCapAt);
                await Task.Delay(delay < untilCap ? delay : untilCap, _time, _stop.Token).ConfigureAwait(false);
                if (Until(_holdCapAt) <= TimeSpan.Zero)
                {
                    Lose($"The hold time cap ({_options.MaxHoldTime}, OrleansRedis:LockClient:MaxHoldTime) was reached.");
                    return;
                }

                var untilDeadline = Until(_localDeadline);
                if (untilDeadline <= TimeSpan.Zero)
                {
                    Lose("The lease ran out before a renewal got through.");
                    return;
                }

                var started = _time.GetTimestamp();
                try
                {
                    var result = await _grain.ExtendAsync(Token, _lease).WaitAsync(untilDeadline, _time, _stop.Token).ConfigureAwait(false);
                    if (!result.Extended || result.ExpiresAtUtc is not { } expiresAt)
                    {
                        Lose("A renewal was refused: the lease had run out or was taken over.");
                        return;
                    }

                    _localDeadline = started + Ticks(_lease);
                    Volatile.Write(ref _expiresAtUnixMs, expiresAt.ToUnixTimeMilliseconds());
                    delay = _renewEvery;
                }
                catch (Exception ex) when (ex is not OperationCanceledException && LockClient.IsTransient(ex))
                {
                    if (Until(_localDeadline) <= TimeSpan.Zero)
                    {
                        Lose($"The lease ran out while renewals failed: {ex.Message}");
                        return;
                    }

                    delay = _options.RetryDelay;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Released or disposed: renewal ends quietly.
        }
        catch (Exception ex)
        {
            // Not a passing outage (e.g. the silo refuses the lease length): the lease cannot be kept.
            Lose($"Renewal failed: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private void Lose(string reason)
    {
        Volatile.Write(ref _lossReason, reason);
        _lost.Cancel();
    }

    private TimeSpan Until(long timestamp)
    {
        var left = timestamp - _time.GetTimestamp();
        return left <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)left / _time.TimestampFrequency);
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);
}
