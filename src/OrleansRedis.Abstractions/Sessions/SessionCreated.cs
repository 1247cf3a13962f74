namespace OrleansRedis.Abstractions.Sessions;

/// <summary>
/// A session id handed to its owner: the only place a raw id ever appears. Give it to the user (e.g. in a cookie) and
/// do not log or store it.
/// </summary>
/// <param name="SessionId">The new session id, 43 base64url characters.</param>
/// <param name="IdleExpiresAtUtc">When the session ends unless it is read.</param>
/// <param name="AbsoluteExpiresAtUtc">When the session ends however often it is read.</param>
[GenerateSerializer, Immutable, Alias("orleansredis.session.created")]
public sealed record SessionCreated(string SessionId, DateTimeOffset IdleExpiresAtUtc, DateTimeOffset AbsoluteExpiresAtUtc)
{
    /// <summary>Keeps the id out of logs and debugger displays that print the record.</summary>
    public override string ToString() =>
        $"SessionCreated {{ SessionId = (hidden), IdleExpiresAtUtc = {IdleExpiresAtUtc:O}, AbsoluteExpiresAtUtc = {AbsoluteExpiresAtUtc:O} }}";
}
