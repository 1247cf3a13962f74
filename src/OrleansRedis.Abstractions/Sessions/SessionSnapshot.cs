namespace OrleansRedis.Abstractions.Sessions;

/// <summary>A live session as one call saw it.</summary>
/// <param name="UserId">The user the session belongs to; <see langword="null"/> for an anonymous session.</param>
/// <param name="Data">The session data, a JSON object.</param>
/// <param name="CreatedAtUtc">When the session was created (a rotation keeps the original time).</param>
/// <param name="IdleExpiresAtUtc">When the session ends unless it is read again (never after the absolute deadline).</param>
/// <param name="AbsoluteExpiresAtUtc">When the session ends however often it is read.</param>
[GenerateSerializer, Immutable, Alias("orleansredis.session.snapshot")]
public sealed record SessionSnapshot(
    string? UserId, string Data, DateTimeOffset CreatedAtUtc, DateTimeOffset IdleExpiresAtUtc, DateTimeOffset AbsoluteExpiresAtUtc);
