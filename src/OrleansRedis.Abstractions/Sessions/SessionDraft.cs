namespace OrleansRedis.Abstractions.Sessions;

/// <summary>What a new session starts with.</summary>
/// <param name="UserId">
/// The user the session belongs to; 1-256 characters without control characters. <see langword="null"/> for an
/// anonymous session (e.g. ASP.NET Core's <c>HttpContext.Session</c>): it is in no user's index, so a "revoke all" does
/// not end it.
/// </param>
/// <param name="Data">The session data: a JSON object, at most the configured size (64 KiB by default).</param>
/// <param name="IdleTimeout">How long the session lives without being read; <see langword="null"/> for the configured default.</param>
/// <param name="AbsoluteTimeout">How long the session lives at most, however often it is read; <see langword="null"/> for the default.</param>
[GenerateSerializer, Immutable, Alias("orleansredis.session.draft")]
public sealed record SessionDraft(string? UserId, string Data, TimeSpan? IdleTimeout = null, TimeSpan? AbsoluteTimeout = null);
