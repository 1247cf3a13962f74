using OrleansRedis.Abstractions.Locks;
using OrleansRedis.Abstractions.Realtime;
using OrleansRedis.Redis.Locks;

namespace OrleansRedis.Grains.Locks;

/// <summary>The waiting side of <see cref="LockGrain"/>: the FIFO queue, the pump that serves its head, the wake timer.</summary>
public sealed partial class LockGrain
{
    private async Task<LockAcquireResult> WaitAsync(Waiter waiter, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var deadline = Task.Delay(wait, time, stopWaiting.Token);
        await Task.WhenAny(waiter.Completion.Task, deadline);
        stopWaiting.Cancel();
        if (!waiter.Completion.Task.IsCompleted)
        {
            if (waiter.InFlight)
            {
                // A script is deciding for this waiter right now; its answer (a lease or not) is the answer.
                await waiter.Completion.Task;
            }
            else
            {
                Remove(waiter);
                var outcome = cancellationToken.IsCancellationRequested ? "cancelled" : "timed_out";
                metrics.Waited(time.GetElapsedTime(waiter.QueuedAt), outcome);
                cancellationToken.ThrowIfCancellationRequested();
                return new LockAcquireResult(null, WakeIn(), _lastHolderOwner);
            }
        }

        var result = await waiter.Completion.Task;
        if (cancellationToken.IsCancellationRequested && result.Lease is { } lease)
        {
            // The caller is gone and will never learn the token: give the lock back rather than block the queue.
            await ReleaseAsync(lease.Token);
            cancellationToken.ThrowIfCancellationRequested();
        }

        return result;
    }

    private async Task PumpAsync()
    {
        if (_pumping)
        {
            _pumpAgain = true;
            return;
        }

        _pumping = true;
        try
        {
            do
            {
                _pumpAgain = false;
                if (_queue.First?.Value is not { } head)
                {
                    break;
                }

                head.InFlight = true;
                LockAttempt attempt;
                try
                {
                    attempt = await store.TryAcquireAsync(Name, head.Token, head.Owner, head.LeaseMs);
                }
                catch (Exception ex)
                {
                    // The outcome is unknown: a lease set by a timed-out script simply runs out. Fail this waiter so
                    // its caller sees the outage, and try the next one shortly.
                    head.InFlight = false;
                    Remove(head);
                    metrics.Waited(time.GetElapsedTime(head.QueuedAt), "failed");
                    head.Completion.TrySetException(ex);
                    LogRedisFailed(ex, Name);
                    ScheduleWake(RetryAfterError);
                    break;
                }

                head.InFlight = false;
                Settle(head, attempt);
            }
            while (_pumpAgain);
        }
        finally
        {
            _pumping = false;
        }
    }

    // Applies an attempt made for the head waiter: grant it, or sleep until the holder's lease runs out.
    private void Settle(Waiter head, LockAttempt attempt)
    {
        if (attempt.Acquired)
        {
            Remove(head);
            Grant(head, attempt, waited: true);
            if (_queue.Count > 0)
            {
                ScheduleWake(TimeSpan.FromMilliseconds(head.LeaseMs));
            }
        }
        else
        {
            _lastHolderOwner = attempt.Holder?.Owner;
            ScheduleWake(attempt.Remaining);
        }
    }

    private LockAcquireResult Grant(Waiter waiter, LockAttempt attempt, bool waited)
    {
        if (_lastGrant is { Ended: false })
        {
            // The previous lease this activation granted was neither released nor refused an extension through it,
            // yet the lock was free: it ran out while held.
            metrics.LeaseLost("expired");
            NotifyHolder(_lastGrant.Owner, "lock.lost", "expired");
        }

        _lastGrant = new GrantRecord(waiter.Token, waiter.Owner, Ended: false);
        _lastHolderOwner = waiter.Owner;
        metrics.Acquired(waited);
        if (waited)
        {
            metrics.Waited(time.GetElapsedTime(waiter.QueuedAt), "acquired");
        }

        var result = new LockAcquireResult(
            new LockLease(Name, waiter.Owner, waiter.Token, attempt.FencingToken, attempt.ExpiresAtUtc), TimeSpan.Zero, null);
        waiter.Completion.TrySetResult(result);
        return result;
    }

    private void CountRelease(string token, bool released)
    {
        var ours = _lastGrant?.Token == token;
        if (released)
        {
            metrics.Released();
            if (ours && options.Value.NotifyReleases)
            {
                NotifyHolder(_lastGrant!.Owner, "lock.released", "released");
            }
        }
        else if (!ours)
        {
            metrics.ReleaseRefused();
        }
        else if (_lastGrant is { Ended: false })
        {
            metrics.LeaseLost("expired");
            NotifyHolder(_lastGrant.Owner, "lock.lost", "expired");
        }

        if (ours)
        {
            _lastGrant = _lastGrant! with { Ended = true };
        }
    }

    private bool Enqueue(Waiter waiter)
    {
        if (_queue.Count >= options.Value.MaxWaitersPerLock)
        {
            LogQueueFull(Name, _queue.Count);
            return false;
        }

        waiter.Node = _queue.AddLast(waiter);
        metrics.ContentionWait();
        return true;
    }

    private void Remove(Waiter waiter)
    {
        if (waiter.Node?.List is not null)
        {
            _queue.Remove(waiter.Node);
        }
    }

    private void ScheduleWake(TimeSpan after)
    {
        if (after < TimeSpan.FromMilliseconds(1))
        {
            after = TimeSpan.FromMilliseconds(1);
        }

        _wakeScheduled = true;
        _wakeAt = time.GetTimestamp() + (long)(after.TotalSeconds * time.TimestampFrequency);
        if (_wakeTimer is null)
        {
            _wakeTimer = this.RegisterGrainTimer(
                static (grain, _) => grain.OnWakeAsync(),
                this,
                new GrainTimerCreationOptions(after, Timeout.InfiniteTimeSpan) { Interleave = true, KeepAlive = false });
        }
        else
        {
            _wakeTimer.Change(after, Timeout.InfiniteTimeSpan);
        }
    }

    private Task OnWakeAsync()
    {
        _wakeScheduled = false;
        return _queue.Count > 0 ? PumpAsync() : Task.CompletedTask;
    }

    private TimeSpan WakeIn()
    {
        if (!_wakeScheduled)
        {
            return TimeSpan.Zero;
        }

        var remaining = TimeSpan.FromSeconds((double)(_wakeAt - time.GetTimestamp()) / time.TimestampFrequency);
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    private sealed class Waiter(string token, string owner, long leaseMs, long queuedAt)
    {
        public string Token { get; } = token;

        public string Owner { get; } = owner;

        public long LeaseMs { get; } = leaseMs;

        public long QueuedAt { get; } = queuedAt;

        public bool InFlight { get; set; }

        public LinkedListNode<Waiter>? Node { get; set; }

        public TaskCompletionSource<LockAcquireResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed record GrantRecord(string Token, string Owner, bool Ended);

    /// <summary>
    /// Tells the owner of a lease this activation granted, on its topic <c>user:{owner}</c>, that the lease ended; the
    /// lock's outcome never depends on the notification.
    /// </summary>
    private void NotifyHolder(string owner, string type, string reason) =>
        _ = notifications.PublishAsync(RealtimeLimits.UserTopic(owner), type, new { @lock = Name, reason });
}
