namespace OrleansRedis.Redis.Sessions;

/// <summary>The outcome of a session script: a status, and the session when it was found.</summary>
public readonly record struct SessionResult(SessionStatus Status, SessionRecord? Record)
{
    /// <summary>A result without a session.</summary>
    public static SessionResult Of(SessionStatus status) => new(status, null);
}
