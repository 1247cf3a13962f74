using System.Buffers.Text;
using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Placement;
using Orleans.Runtime;
using OrleansRedis.Abstractions.Diagnostics;
using OrleansRedis.Abstractions.Locks;
using OrleansRedis.Grains.Realtime;
using OrleansRedis.Redis.Locks;

namespace OrleansRedis.Grains.Locks;

/// <summary>
/// One distributed lock; see <see cref="ILockGrain"/>. Redis decides every grant (<see cref="RedisLockStore"/>); the
/// grain only queues waiters in arrival order and wakes the head one when the lock is released through it (the
/// release script hands the lock over in the same round trip) or at the holder's Redis-reported expiry (a one-shot
/// grain timer, not a polling loop). The grain is reentrant so that releases and extensions are never stuck behind
/// waiting calls. Nothing here is needed for safety: a second activation, a lost timer or a crash only delays waiters.
/// Activations are placed on the silo that first receives a call for the lock (the gateway an external client sticks
/// to for that name, or the silo serving the HTTP request), which saves a silo-to-silo hop per call.
/// </summary>
[GrainType("lock")]
[Reentrant]
[PreferLocalPlacement]
public sealed partial class LockGrain(
    RedisLockStore store,
    IOptions<LockOptions> options,
    LockMetrics metrics,
    ITopicPublisher notifications,
    ILocalSiloDetails silo,
    TimeProvider time,
    ILogger<LockGrain> logger) : Grain, ILockGrain
{
    // After a Redis error, try the next waiter after this pause instead of failing the whole queue at once.
    private static readonly TimeSpan RetryAfterError = TimeSpan.FromMilliseconds(250);

    private readonly LinkedList<Waiter> _queue = new();
    private IGrainTimer? _wakeTimer;
    private bool _wakeScheduled;
    private long _wakeAt;
    private bool _pumping;
    private bool _pumpAgain;
    private long _releases;
    private GrantRecord? _lastGrant;
    private string? _lastHolderOwner;

    private string Name => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public Task<LockAcquireResult> AcquireAsync(string owner, TimeSpan lease, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        var activity = LockTracing.Start("lock.acquire", Name);
        return OrleansRedisActivitySources.Run(activity, AcquireCoreAsync(owner, lease, wait, cancellationToken, activity), LockTracing.Acquired);
    }

    private async Task<LockAcquireResult> AcquireCoreAsync(string owner, TimeSpan lease, TimeSpan wait, CancellationToken cancellationToken, Activity? activity)
    {
        if (!LockLimits.IsValidOwner(owner))
        {
            throw new ArgumentException($"The owner must be 1-{LockLimits.MaxOwnerLength} characters without control characters.", nameof(owner));
        }

        var leaseMs = LeaseMilliseconds(lease, nameof(lease));
        if (wait < TimeSpan.Zero)
        {
            throw new ArgumentException($"The wait must not be negative (it was {wait}).", nameof(wait));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var maxWait = options.Value.MaxWait;
        var effectiveWait = wait > maxWait ? maxWait : wait;
        var waiter = new Waiter(NewToken(), owner, leaseMs, time.GetTimestamp());

        if (_queue.Count == 0 && !_pumping)
        {
            // Nobody queues ahead: one script decides. Releases that land while it runs are noticed through the epoch.
            var epoch = _releases;
            var attempt = await store.TryAcquireAsync(Name, waiter.Token, owner, leaseMs);
            if (attempt.Acquired)
            {
                return Grant(waiter, attempt, waited: false);
            }

            _lastHolderOwner = attempt.Holder?.Owner;
            if (effectiveWait == TimeSpan.Zero)
            {
                return new LockAcquireResult(null, attempt.Remaining, attempt.Holder?.Owner);
            }

            if (!Enqueue(waiter))
            {
                return new LockAcquireResult(null, attempt.Remaining, attempt.Holder?.Owner);
            }

            if (epoch != _releases || _pumping)
            {
                _ = PumpAsync();
            }
            else
            {
                ScheduleWake(attempt.Remaining);
            }
        }
        else
        {
            // Others queue already: never overtake them, even if the lock happens to be free this instant.
            if (effectiveWait == TimeSpan.Zero || !Enqueue(waiter))
            {
                return new LockAcquireResult(null, WakeIn(), _lastHolderOwner);
            }

            if (!_wakeScheduled && !_pumping)
            {
                _ = PumpAsync();
            }
        }

        LockTracing.Queued(activity);
        return await WaitAsync(waiter, effectiveWait, cancellationToken);
    }

    /// <inheritdoc />
    public Task<LockExtendResult> ExtendAsync(string token, TimeSpan lease) =>
        OrleansRedisActivitySources.Run(LockTracing.Start("lock.extend", Name), ExtendCoreAsync(token, lease), LockTracing.Extended);

    private async Task<LockExtendResult> ExtendCoreAsync(string token, TimeSpan lease)
    {
        ValidateToken(token);
        var leaseMs = LeaseMilliseconds(lease, nameof(lease));
        var extended = await store.ExtendAsync(Name, token, leaseMs);
        if (extended is not { } result)
        {
            metrics.LeaseLost("extend_refused");
            if (_lastGrant?.Token == token)
            {
                NotifyHolder(_lastGrant.Owner, "lock.lost", "extend_refused");
                _lastGrant = _lastGrant with { Ended = true };
            }

            return new LockExtendResult(false, null, 0);
        }

        metrics.Extended();
        if (_queue.Count > 0)
        {
            ScheduleWake(TimeSpan.FromMilliseconds(leaseMs));
        }

        return new LockExtendResult(true, result.ExpiresAtUtc, result.FencingToken);
    }

    /// <inheritdoc />
    public Task<bool> ReleaseAsync(string token) =>
        OrleansRedisActivitySources.Run(LockTracing.Start("lock.release", Name), ReleaseCoreAsync(token), LockTracing.Released);

    private async Task<bool> ReleaseCoreAsync(string token)
    {
        ValidateToken(token);
        var head = _pumping ? null : _queue.First?.Value;
        if (head is null)
        {
            var plain = await store.ReleaseAsync(Name, token);
            CountRelease(token, plain.Released);
            if (plain.Released)
            {
                _releases++;
                if (_queue.Count > 0)
                {
                    _ = PumpAsync();
                }
            }

            return plain.Released;
        }

        // Hand the lock to the head waiter in the release script itself: one round trip from release to next holder.
        head.InFlight = true;
        _pumping = true;
        LockReleaseOutcome outcome;
        try
        {
            outcome = await store.ReleaseAsync(Name, token, (head.Token, head.Owner, head.LeaseMs));
        }
        catch
        {
            head.InFlight = false;
            _pumping = false;
            ScheduleWake(RetryAfterError);
            throw;
        }

        head.InFlight = false;
        CountRelease(token, outcome.Released);
        if (outcome.Released)
        {
            _releases++;
        }

        Settle(head, outcome.Next!);
        _pumping = false;
        if (_pumpAgain)
        {
            _ = PumpAsync();
        }

        return outcome.Released;
    }

    /// <inheritdoc />
    public async Task<LockState> GetStateAsync()
    {
        var snapshot = await store.ReadAsync(Name);
        return snapshot.Holder is { } holder
            ? new LockState(Name, true, holder.Owner, holder.FencingToken, snapshot.ExpiresAtUtc, _queue.Count, silo.SiloAddress.ToString())
            : new LockState(Name, false, null, snapshot.FencingCounter, null, _queue.Count, silo.SiloAddress.ToString());
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Waiters hold nothing yet; tell them to call again, which reaches the next activation.
        if (_queue.Count > 0)
        {
            LogWaitersReleasedOnDeactivation(Name, _queue.Count, reason.ReasonCode);
        }

        foreach (var waiter in _queue.ToList())
        {
            Remove(waiter);
            waiter.Completion.TrySetResult(new LockAcquireResult(null, TimeSpan.Zero, _lastHolderOwner));
        }

        _wakeTimer?.Dispose();
        return Task.CompletedTask;
    }

    private long LeaseMilliseconds(TimeSpan lease, string parameter)
    {
        var max = options.Value.MaxLease;
        if (lease <= TimeSpan.Zero || lease > max)
        {
            throw new ArgumentException($"The lease must be greater than 0 and at most {max} (OrleansRedis:Locks:MaxLease); it was {lease}.", parameter);
        }

        return (long)Math.Ceiling(lease.TotalMilliseconds);
    }

    private static void ValidateToken(string token)
    {
        if (!LockLimits.IsValidToken(token))
        {
            throw new ArgumentException($"The token must be 1-{LockLimits.MaxTokenLength} characters without control characters or ':'.", nameof(token));
        }
    }

    // 128 bits from the OS CSPRNG, base64url: unguessable, and never contains the ':' the lease value separates on.
    private static string NewToken()
    {
        Span<byte> secret = stackalloc byte[16];
        RandomNumberGenerator.Fill(secret);
        return Base64Url.EncodeToString(secret);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lock {Name}: Redis failed while granting to the head waiter")]
    private partial void LogRedisFailed(Exception exception, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lock {Name}: {Count} callers queue already; refusing to queue more")]
    private partial void LogQueueFull(string name, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Lock {Name}: deactivating ({Reason}); {Count} waiters told to call again")]
    private partial void LogWaitersReleasedOnDeactivation(string name, int count, DeactivationReasonCode reason);
}
