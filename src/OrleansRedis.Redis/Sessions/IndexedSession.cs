namespace OrleansRedis.Redis.Sessions;

/// <summary>One live session in a user's index, with the metadata a listing shows. Times in Unix ms.</summary>
/// <param name="IdHash">The session's id hash.</param>
/// <param name="CreatedMs">When the session was created.</param>
/// <param name="IdleExpiresMs">When its TTL runs out unless it is read.</param>
/// <param name="DeadlineMs">Its absolute deadline.</param>
public sealed record IndexedSession(string IdHash, long CreatedMs, long IdleExpiresMs, long DeadlineMs);
