namespace OrleansRedis.Redis.Realtime;

/// <summary>What one presence script did.</summary>
/// <param name="Flag">Heartbeat: the member joined; leave: the member was removed; list: unused.</param>
/// <param name="NowMs">Redis's time of the call.</param>
/// <param name="Left">Members whose TTL ran out and that this call dropped.</param>
/// <param name="NextExpiryMs">The earliest expiry among the live members, or <see langword="null"/> when none is left.</param>
public sealed record PresenceChange(bool Flag, long NowMs, IReadOnlyList<string> Left, long? NextExpiryMs);
