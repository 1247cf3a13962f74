namespace OrleansRedis.Grains.Users;

/// <summary>
/// The JSON stored in a user's cache entry (field <c>d</c>); the id is in the key and the version in field <c>v</c>.
/// Keep property names stable: entries written by an older silo are read by a newer one.
/// </summary>
/// <param name="Name">The display name.</param>
/// <param name="Email">The e-mail address.</param>
/// <param name="UpdatedAtMs">The last database change, in Unix milliseconds.</param>
public sealed record UserCachePayload(string Name, string Email, long UpdatedAtMs);
