using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using OrleansRedis.Abstractions.Realtime;
using OrleansRedis.Abstractions.Sessions;
using OrleansRedis.Grains.Realtime;
using OrleansRedis.Redis.Sessions;
using OrleansRedis.Abstractions.Diagnostics;

namespace OrleansRedis.Grains.Sessions;

/// <summary>
/// One session, keyed by its id hash; see <see cref="ISessionGrain"/>. Redis holds the truth: every read that is not
/// within the slide resolution of the last one runs the sliding script, and every write is a versioned script, so
/// the grain stays correct even during a brief duplicate activation. The copy in memory only lets reads skip a Redis
/// write; destroy, rotation and revocation all run here (revocation is told by <see cref="UserSessionsGrain"/>), so
/// that copy never outlives the session.
/// </summary>
[GrainType("session")]
[PreferLocalPlacement]
public sealed partial class SessionGrain(
    SessionStore store,
    SessionIndex index,
    IOptions<SessionStoreOptions> options,
    SessionMetrics metrics,
    ITopicPublisher notifications,
    TimeProvider time,
    ILogger<SessionGrain> logger) : Grain, ISessionGrain
{
    private const int WriteAttempts = 5;
    private const int RotateAttempts = 3;

    // How Redis stores the user of an anonymous session (ASP.NET Core's HttpContext.Session): a valid user id is never empty.
    private const string AnonymousUser = "";

    private readonly SessionStoreOptions _options = options.Value;
    private CachedSession? _cached;

    private string IdHash => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public Task<SessionSnapshot?> CreateAsync(SessionDraft draft) =>
        OrleansRedisActivitySources.Run(SessionTracing.Start("session.create"), CreateCoreAsync(draft), SessionTracing.Found);

    private async Task<SessionSnapshot?> CreateCoreAsync(SessionDraft draft)
    {
        EnsureKey();
        ArgumentNullException.ThrowIfNull(draft);
        if (draft.UserId is not null && !SessionLimits.IsValidUserId(draft.UserId))
        {
            throw new SessionException(SessionError.InvalidUserId, $"The user id must be 1-{SessionLimits.MaxUserIdLength} characters without control characters.");
        }

        var idle = Timeout(draft.IdleTimeout, _options.IdleTimeout, _options.MaxIdleTimeout, "idle");
        var absolute = Timeout(draft.AbsoluteTimeout, _options.AbsoluteTimeout, _options.MaxAbsoluteTimeout, "absolute");
        var data = SessionData.Normalize(draft.Data, _options.MaxDataBytes);

        var sentAt = time.GetTimestamp();
        var created = await store.CreateAsync(IdHash, draft.UserId ?? AnonymousUser, data, Milliseconds(idle), Milliseconds(absolute));
        if (created.Status != SessionStatus.Found)
        {
            throw new SessionException(SessionError.AlreadyExists, "A session already exists under this id hash; use a new id.");
        }

        var record = created.Record!;
        if (!await IndexAsync(record, IdHash))
        {
            return null;
        }

        _cached = new CachedSession(record, sentAt);
        metrics.Created();
        return _cached.Snapshot;
    }

    /// <inheritdoc />
    public Task<SessionSnapshot?> GetAsync() =>
        OrleansRedisActivitySources.Run(SessionTracing.Start("session.get"), GetCoreAsync(), SessionTracing.Found);

    private async Task<SessionSnapshot?> GetCoreAsync()
    {
        EnsureKey();
        if (_cached is { } cached && cached.IsFresh(time, _options.SlideResolution))
        {
            metrics.Read(fromMemory: true);
            return cached.Snapshot;
        }

        var snapshot = await SlideAsync();
        if (snapshot is not null)
        {
            metrics.Read(fromMemory: false);
        }

        return snapshot;
    }

    /// <inheritdoc />
    public Task<SessionSnapshot?> ReplaceDataAsync(string data) =>
        OrleansRedisActivitySources.Run(SessionTracing.Start("session.replace"), ReplaceDataCoreAsync(data), SessionTracing.Found);

    private async Task<SessionSnapshot?> ReplaceDataCoreAsync(string data)
    {
        EnsureKey();
        var normalized = SessionData.Normalize(data, _options.MaxDataBytes);
        var wasKnown = Drop();
        var sentAt = time.GetTimestamp();
        return Accept(await store.WriteDataAsync(IdHash, expectedVersion: null, normalized), sentAt, wasKnown);
    }

    /// <inheritdoc />
    public Task<SessionSnapshot?> MergeDataAsync(string data) =>
        OrleansRedisActivitySources.Run(SessionTracing.Start("session.merge"), MergeDataCoreAsync(data), SessionTracing.Found);

    private async Task<SessionSnapshot?> MergeDataCoreAsync(string data)
    {
        EnsureKey();
        var patch = SessionData.Normalize(data, _options.MaxDataBytes);
        for (var attempt = 1; attempt <= WriteAttempts; attempt++)
        {
            if (_cached is null && await SlideAsync() is null)
            {
                return null;
            }

            var current = _cached!.Record;
            var merged = SessionData.Merge(current.Data, patch, _options.MaxDataBytes);
            Drop();
            var sentAt = time.GetTimestamp();
            var written = await store.WriteDataAsync(IdHash, current.Version, merged);
            if (written.Status != SessionStatus.Conflict)
            {
                return Accept(written, sentAt, wasKnown: true);
            }

            // Another activation (a brief duplicate during a membership change) wrote in between: reload and redo.
            LogWriteConflict(SessionIds.Handle(IdHash), attempt);
        }

        throw new SessionException(SessionError.Conflict, "The session kept changing under concurrent writers; the merge was not applied.");
    }

    /// <inheritdoc />
    public Task<bool> DestroyAsync() =>
        OrleansRedisActivitySources.Run(SessionTracing.Start("session.destroy"), DestroyCoreAsync(), SessionTracing.Found);

    private async Task<bool> DestroyCoreAsync()
    {
        EnsureKey();
        Drop();
        var userId = await store.DeleteAsync(IdHash);
        Forget();
        if (userId is null)
        {
            return false;
        }

        metrics.Destroyed();
        if (userId != AnonymousUser)
        {
            await index.RemoveAsync(userId, [IdHash]);
        }

        return true;
    }

    /// <inheritdoc />
    public Task<bool> RevokeAsync() =>
        OrleansRedisActivitySources.Run(SessionTracing.Start("session.revoke"), RevokeCoreAsync(), SessionTracing.Found);

    private async Task<bool> RevokeCoreAsync()
    {
        EnsureKey();
        Drop();
        var userId = await store.DeleteAsync(IdHash);
        Forget();
        if (userId is null)
        {
            return false;
        }

        metrics.Revoked(1);
        return true;
    }

    /// <inheritdoc />
    public Task<SessionCreated?> RotateAsync() =>
        OrleansRedisActivitySources.Run(SessionTracing.Start("session.rotate"), RotateCoreAsync(), SessionTracing.Found);

    private async Task<SessionCreated?> RotateCoreAsync()
    {
        EnsureKey();

        // The old id dies first, in one step, wherever it is read from next.
        var known = Drop();
        var taken = await store.TakeAsync(IdHash);
        Forget();
        if (taken.Status != SessionStatus.Found)
        {
            CountExpired(taken.Status, known);
            return null;
        }

        var old = taken.Record!;
        for (var attempt = 1; attempt <= RotateAttempts; attempt++)
        {
            var id = SessionIds.New();
            var hash = SessionIds.Hash(id);
            var created = await store.CreateAsync(hash, old.UserId, old.Data, old.IdleMs, absoluteMs: 0, (old.CreatedMs, old.DeadlineMs));
            if (created.Status == SessionStatus.Exists)
            {
                continue;
            }

            if (created.Status != SessionStatus.Found || !await IndexAsync(created.Record!, hash, replacesIdHash: IdHash))
            {
                // The deadline passed meanwhile, or a "revoke all" of the user began: the new id is never handed out.
                return null;
            }

            metrics.Rotated();

            if (old.UserId != AnonymousUser)
            {
                // Tells the user's open pages at once; the rotation stands whether or not the notification gets out.
                _ = notifications.PublishAsync(
                    RealtimeLimits.UserTopic(old.UserId), "session.rotated", new { session = SessionIds.Handle(IdHash), replacedBy = SessionIds.Handle(hash) });
            }

            var record = created.Record!;
            return new SessionCreated(
                id,
                DateTimeOffset.FromUnixTimeMilliseconds(Math.Min(record.IdleExpiresMs, record.DeadlineMs)),
                DateTimeOffset.FromUnixTimeMilliseconds(record.DeadlineMs));
        }

        throw new SessionException(SessionError.Conflict, "No free id was found for the rotated session.");
    }

    private static long Milliseconds(TimeSpan value) => (long)Math.Ceiling(value.TotalMilliseconds);

    private static TimeSpan Timeout(TimeSpan? requested, TimeSpan fallback, TimeSpan max, string which)
    {
        var value = requested ?? fallback;
        return value >= SessionLimits.MinTimeout && value <= max
            ? value
            : throw new SessionException(SessionError.InvalidTimeout, $"The {which} timeout must be between {SessionLimits.MinTimeout} and {max} (it was {value}).");
    }

    /// <summary>Adds a just-written session to its user's index; ends it when a revocation refuses it.</summary>
    private async Task<bool> IndexAsync(SessionRecord record, string idHash, string? replacesIdHash = null)
    {
        if (record.UserId == AnonymousUser)
        {
            // No user's index lists it: nothing to add, and no "revoke all" can refuse it.
            return true;
        }

        bool indexed;
        try
        {
            indexed = await index.AddAsync(record.UserId, idHash, record.CreatedMs, record.DeadlineMs, replacesIdHash);
        }
        catch
        {
            // An unindexed session must not live on: "revoke all" could not find it. Its id was never handed out.
            await store.DeleteAsync(idHash);
            throw;
        }

        if (!indexed)
        {
            await store.DeleteAsync(idHash);
        }

        return indexed;
    }

    private async Task<SessionSnapshot?> SlideAsync()
    {
        var held = _cached?.Record;
        var sentAt = time.GetTimestamp();
        return Accept(await store.SlideAsync(IdHash, held), sentAt, wasKnown: held is not null);
    }

    private SessionSnapshot? Accept(SessionResult result, long sentAt, bool wasKnown)
    {
        if (result.Status == SessionStatus.Found)
        {
            _cached = new CachedSession(result.Record!, sentAt);
            return _cached.Snapshot;
        }

        CountExpired(result.Status, wasKnown);
        Forget();
        return null;
    }

    // Before any write the copy in memory is dropped: if the write fails midway (a timeout after Redis applied it),
    // the next read goes to Redis instead of serving what may no longer be there.
    private bool Drop()
    {
        var wasKnown = _cached is not null;
        _cached = null;
        return wasKnown;
    }

    // Expired-on-read: the script found the key past its deadline, or this activation had seen the session alive and
    // Redis's TTL has since removed it (destroy, rotation and revocation run here and forget the copy first).
    private void CountExpired(SessionStatus status, bool wasKnown)
    {
        if (status == SessionStatus.Expired || (status == SessionStatus.Missing && wasKnown))
        {
            metrics.ExpiredOnRead();
        }
    }

    private void Forget()
    {
        _cached = null;
        DeactivateOnIdle();
    }

    private void EnsureKey()
    {
        if (!SessionIds.IsHash(IdHash))
        {
            throw new SessionException(SessionError.InvalidKey, $"A session grain is keyed by SessionIds.Hash(sessionId): {SessionIds.HashLength} lowercase hex characters.");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {Handle}: a concurrent write changed the session; retrying the merge (attempt {Attempt})")]
    private partial void LogWriteConflict(string handle, int attempt);
}
