namespace OrleansRedis.Abstractions.Realtime;

/// <summary>The answer to a heartbeat.</summary>
/// <param name="Joined">Whether the member was not live before this heartbeat (a <c>join</c> event was published).</param>
/// <param name="ExpiresAtUtc">When the member drops out unless it heartbeats again (Redis's clock).</param>
[GenerateSerializer, Immutable, Alias("orleansredis.realtime.heartbeat")]
public sealed record PresenceHeartbeat([property: Id(0)] bool Joined, [property: Id(1)] DateTimeOffset ExpiresAtUtc);
