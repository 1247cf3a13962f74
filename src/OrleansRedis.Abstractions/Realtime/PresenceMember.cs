namespace OrleansRedis.Abstractions.Realtime;

/// <summary>A live member of a room.</summary>
/// <param name="Member">The member's name.</param>
/// <param name="Data">What the member attached to its last heartbeat (JSON text), or <see langword="null"/>.</param>
/// <param name="ExpiresAtUtc">When the member drops out unless it heartbeats again (Redis's clock).</param>
[GenerateSerializer, Immutable, Alias("orleansredis.realtime.member")]
public sealed record PresenceMember([property: Id(0)] string Member, [property: Id(1)] string? Data, [property: Id(2)] DateTimeOffset ExpiresAtUtc);
