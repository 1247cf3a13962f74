using OrleansRedis.Abstractions.Users;

namespace OrleansRedis.Grains.Users;

/// <summary>What the database holds for one id.</summary>
/// <param name="User">The user; <see langword="null"/> when the id never existed or was deleted.</param>
/// <param name="Version">
/// The id's version: the user's, the deleted user's tombstone version, or 0 for an id that never existed.
/// </param>
public sealed record UserLookup(UserRecord? User, long Version);
