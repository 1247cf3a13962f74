namespace OrleansRedis.Abstractions.Sessions;

/// <summary>Finds and creates sessions by their raw ids, hashing them on the caller's side.</summary>
public static class SessionGrainFactoryExtensions
{
    private const int CreateAttempts = 3;

    /// <summary>Returns the grain of the session <paramref name="sessionId"/> (keyed by its hash, never by the id).</summary>
    /// <exception cref="ArgumentException">The id is not well formed (<see cref="SessionIds.IsWellFormed"/>).</exception>
    public static ISessionGrain GetSession(this IGrainFactory grains, string sessionId) =>
        grains.GetGrain<ISessionGrain>(SessionIds.Hash(sessionId));

    /// <summary>Returns the grain holding the session index of <paramref name="userId"/>.</summary>
    public static IUserSessionsGrain GetUserSessions(this IGrainFactory grains, string userId) =>
        grains.GetGrain<IUserSessionsGrain>(userId);

    /// <summary>
    /// Creates a session under a new id from <see cref="SessionIds.New"/> and returns the id. Retries with a fresh id in
    /// the two cases where one attempt cannot succeed: the astronomically unlikely taken hash, and a "revoke all" of
    /// the same user that ran between the session's write and its indexing.
    /// </summary>
    /// <exception cref="SessionException">Bad data, user id or timeouts; nothing was written.</exception>
    public static async Task<SessionCreated> CreateSessionAsync(this IGrainFactory grains, SessionDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        for (var attempt = 1; ; attempt++)
        {
            var id = SessionIds.New();
            try
            {
                var created = await grains.GetGrain<ISessionGrain>(SessionIds.Hash(id)).CreateAsync(draft).ConfigureAwait(false);
                if (created is not null)
                {
                    return new SessionCreated(id, created.IdleExpiresAtUtc, created.AbsoluteExpiresAtUtc);
                }
            }
            catch (SessionException ex) when (ex.Error == SessionError.AlreadyExists && attempt < CreateAttempts)
            {
                // Another id is as good as this one.
            }

            if (attempt >= CreateAttempts)
            {
                throw new SessionException(SessionError.Conflict, "The session could not be created; a concurrent revocation kept refusing it.");
            }
        }
    }
}
