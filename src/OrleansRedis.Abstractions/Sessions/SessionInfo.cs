namespace OrleansRedis.Abstractions.Sessions;

/// <summary>One live session of a user, as a listing shows it: metadata only, no id and no data.</summary>
/// <param name="Handle">A short, non-reversible handle that tells the user's sessions apart (a prefix of the id hash).</param>
/// <param name="CreatedAtUtc">When the session was created.</param>
/// <param name="IdleExpiresAtUtc">When the session ends unless it is read again.</param>
/// <param name="AbsoluteExpiresAtUtc">When the session ends however often it is read.</param>
[GenerateSerializer, Immutable, Alias("orleansredis.session.info")]
public sealed record SessionInfo(string Handle, DateTimeOffset CreatedAtUtc, DateTimeOffset IdleExpiresAtUtc, DateTimeOffset AbsoluteExpiresAtUtc);
