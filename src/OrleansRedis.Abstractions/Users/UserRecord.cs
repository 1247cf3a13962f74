namespace OrleansRedis.Abstractions.Users;

/// <summary>A user as stored in the database of record.</summary>
/// <param name="Id">The user id (the grain key).</param>
/// <param name="Name">The display name.</param>
/// <param name="Email">The e-mail address.</param>
/// <param name="Version">
/// The optimistic-concurrency version: 1 after creation, one more after every update. It never goes back for an id,
/// not even across a delete and a re-creation, so a cached copy can always tell which of two copies is newer.
/// </param>
/// <param name="UpdatedAtUtc">When the database last changed the user (millisecond precision).</param>
[GenerateSerializer, Immutable, Alias("orleansredis.users.record")]
public sealed record UserRecord(string Id, string Name, string Email, long Version, DateTimeOffset UpdatedAtUtc);
