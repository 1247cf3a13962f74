namespace OrleansRedis.Abstractions.Sessions;

/// <summary>
/// The sessions of one user, keyed by the user id: list them (metadata only) and revoke them all ("log out
/// everywhere"). The index lives in Redis; expired entries are pruned whenever it is read.
/// </summary>
[Alias("orleansredis.user-sessions")]
public interface IUserSessionsGrain : IGrainWithStringKey
{
    /// <summary>Lists the user's live sessions, oldest first, and prunes expired entries from the index.</summary>
    /// <exception cref="SessionException">The user id (the grain key) is not valid.</exception>
    [Alias("list")]
    Task<IReadOnlyList<SessionInfo>> ListAsync();

    /// <summary>
    /// Ends every session of the user. When this returns, each of them answers "not found" on every silo, including
    /// sessions whose grains hold them in memory, and a rotation or creation racing with this call cannot bring one
    /// back.
    /// </summary>
    /// <returns>How many live sessions were ended.</returns>
    /// <exception cref="SessionException">The user id (the grain key) is not valid.</exception>
    [Alias("revoke-all")]
    Task<int> RevokeAllAsync();
}
