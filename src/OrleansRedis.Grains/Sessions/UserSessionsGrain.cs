using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OrleansRedis.Abstractions.Realtime;
using OrleansRedis.Abstractions.Sessions;
using OrleansRedis.Grains.Realtime;
using OrleansRedis.Redis.Sessions;

namespace OrleansRedis.Grains.Sessions;

/// <summary>
/// The session index of one user; see <see cref="IUserSessionsGrain"/>. Holds no state: the index and the revocation
/// mark live in Redis and every step is atomic there, so calls for one user may interleave.
/// </summary>
[GrainType("user-sessions")]
[Reentrant]
public sealed class UserSessionsGrain(
    SessionIndex index, SessionStore store, IOptions<SessionStoreOptions> options, SessionMetrics metrics, ITopicPublisher notifications)
    : Grain, IUserSessionsGrain
{
    private const int RevokeBatch = 100;

    private string UserId => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public async Task<IReadOnlyList<SessionInfo>> ListAsync()
    {
        EnsureUser();
        var sessions = await index.ListAsync(UserId);
        return sessions.Select(s => new SessionInfo(
            SessionIds.Handle(s.IdHash),
            DateTimeOffset.FromUnixTimeMilliseconds(s.CreatedMs),
            DateTimeOffset.FromUnixTimeMilliseconds(Math.Min(s.IdleExpiresMs, s.DeadlineMs)),
            DateTimeOffset.FromUnixTimeMilliseconds(s.DeadlineMs))).ToList();
    }

    /// <inheritdoc />
    public async Task<int> RevokeAllAsync()
    {
        EnsureUser();

        // 1. The mark: from now on no session of this user created before now can be (re)indexed.
        var members = await index.BeginRevokeAsync(UserId, options.Value.MaxAbsoluteTimeout);

        // 2. Redis first, so every silo reading through the sliding script answers "not found" from here on...
        var ended = await store.DeleteManyAsync(members);

        // 3. ...then every session grain, so none serves a copy from memory within its slide resolution.
        foreach (var batch in members.Chunk(RevokeBatch))
        {
            await Task.WhenAll(batch.Select(m => GrainFactory.GetGrain<ISessionGrain>(m).RevokeAsync()));
        }

        await index.RemoveAsync(UserId, members);
        metrics.Revoked(ended);
        if (ended > 0)
        {
            // Every open page of the user learns it was logged out; the revocation stands whether or not this gets out.
            _ = notifications.PublishAsync(
                RealtimeLimits.UserTopic(UserId), "session.revoked", new { revoked = ended, sessions = members.Select(SessionIds.Handle).ToArray() });
        }

        return ended;
    }

    private void EnsureUser()
    {
        if (!SessionLimits.IsValidUserId(UserId))
        {
            throw new SessionException(SessionError.InvalidUserId, $"The user id must be 1-{SessionLimits.MaxUserIdLength} characters without control characters.");
        }
    }
}
