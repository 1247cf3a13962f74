namespace OrleansRedis.Abstractions.Sessions;

/// <summary>
/// One session, keyed by the SHA-256 of its id (<see cref="SessionIds.Hash"/>), never by the id itself: get it with
/// <see cref="SessionGrainFactoryExtensions.GetSession"/>. Every write to the session goes through this grain; the
/// session itself lives in Redis with its TTL, so it survives silo restarts, and every decision (slide, expiry, write)
/// is one atomic Lua script timed by Redis's clock. Methods return <see langword="null"/> when the session does not
/// exist or has expired.
/// </summary>
[Alias("orleansredis.session")]
public interface ISessionGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the session under this grain's id hash and adds it to its user's index. Prefer
    /// <see cref="SessionGrainFactoryExtensions.CreateSessionAsync"/>, which generates the id.
    /// </summary>
    /// <returns>The new session; <see langword="null"/> when a concurrent "revoke all" of the user refused it.</returns>
    /// <exception cref="SessionException">Bad data, user id or timeouts, or the id hash is taken; nothing was written.</exception>
    [Alias("create")]
    Task<SessionSnapshot?> CreateAsync(SessionDraft draft);

    /// <summary>
    /// Reads the session and slides its idle timeout: the Redis TTL becomes min(idle timeout, time left until the
    /// absolute deadline). A read within a short resolution (default 500 ms) of the last slide may be served without
    /// writing Redis; the TTL then lags by less than that resolution.
    /// </summary>
    [Alias("get")]
    Task<SessionSnapshot?> GetAsync();

    /// <summary>Replaces the session data with <paramref name="data"/> (a JSON object) and slides the idle timeout.</summary>
    /// <exception cref="SessionException">The data is not a JSON object or is too large; the session is unchanged.</exception>
    [Alias("replace")]
    Task<SessionSnapshot?> ReplaceDataAsync(string data);

    /// <summary>
    /// Merges the top-level properties of <paramref name="data"/> (a JSON object) into the session data: each property
    /// replaces or adds the field of that name, and a <see langword="null"/> value removes it (JSON Merge Patch at the
    /// top level). Concurrent merges of different fields never lose one another. Slides the idle timeout.
    /// </summary>
    /// <exception cref="SessionException">The patch is not a JSON object, or the result would be too large; the session is unchanged.</exception>
    [Alias("merge")]
    Task<SessionSnapshot?> MergeDataAsync(string data);

    /// <summary>Ends the session (logout) and removes it from its user's index.</summary>
    /// <returns>Whether a live session was ended.</returns>
    [Alias("destroy")]
    Task<bool> DestroyAsync();

    /// <summary>
    /// Moves the session to a new id (e.g. after a privilege change): same user, data, creation time and absolute
    /// deadline; the old id is dead on every silo when this returns.
    /// </summary>
    /// <returns>The new id; <see langword="null"/> when the session did not exist, had expired, or was revoked meanwhile.</returns>
    [Alias("rotate")]
    Task<SessionCreated?> RotateAsync();

    /// <summary>
    /// Ends the session as part of revoking all of its user's sessions and forgets any copy held in memory. Used by
    /// <see cref="IUserSessionsGrain.RevokeAllAsync"/>; leaves the user's index to the caller.
    /// </summary>
    /// <returns>Whether this call ended a live session.</returns>
    [Alias("revoke")]
    Task<bool> RevokeAsync();
}
