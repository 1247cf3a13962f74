namespace OrleansRedis.Redis.Users;

/// <summary>A user entry as it sits in the Cache Redis.</summary>
/// <param name="Version">
/// The version the entry stands for: a user's version, a deleted user's last version (tombstone), or 0 for an id that
/// never existed.
/// </param>
/// <param name="Payload">The serialized user; <see langword="null"/> for a negative entry (no such user).</param>
/// <param name="TimeToLive">How long Redis keeps the entry from now.</param>
public sealed record CachedUserEntry(long Version, string? Payload, TimeSpan TimeToLive);
