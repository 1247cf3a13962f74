namespace OrleansRedis.Abstractions.Users;

/// <summary>
/// One user, keyed by user id: cache-aside over the database of record. Reads go activation memory, then the Cache
/// Redis, then the database, and every concurrent read of a cold user across the cluster shares one database load.
/// Writes go to the database first and then replace the cached copy with the new version.
/// </summary>
[Alias("orleansredis.user")]
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Reads the user.</summary>
    /// <returns>The user (or <see langword="null"/> when none exists), where it came from, and whether it is stale.</returns>
    /// <exception cref="UserException"><see cref="UserErrorCode.DatabaseUnavailable"/> when the database is needed but unreachable.</exception>
    [Alias("get")]
    Task<UserReadResult> GetAsync();

    /// <summary>Creates the user with version 1 (or one more than a deleted predecessor's).</summary>
    /// <param name="name">The display name; see <see cref="UserLimits"/>.</param>
    /// <param name="email">The e-mail address; see <see cref="UserLimits"/>.</param>
    /// <returns>The user as stored.</returns>
    /// <exception cref="UserException"><see cref="UserErrorCode.AlreadyExists"/> or <see cref="UserErrorCode.DatabaseUnavailable"/>.</exception>
    [Alias("create")]
    Task<UserRecord> CreateAsync(string name, string email);

    /// <summary>Replaces name and e-mail if the user is still at <paramref name="expectedVersion"/>.</summary>
    /// <param name="name">The new display name.</param>
    /// <param name="email">The new e-mail address.</param>
    /// <param name="expectedVersion">The version the caller read; the update fails if the user has moved on.</param>
    /// <returns>The user as stored, with the next version.</returns>
    /// <exception cref="UserException">
    /// <see cref="UserErrorCode.NotFound"/>, <see cref="UserErrorCode.VersionConflict"/> or <see cref="UserErrorCode.DatabaseUnavailable"/>.
    /// </exception>
    [Alias("update")]
    Task<UserRecord> UpdateAsync(string name, string email, long expectedVersion);

    /// <summary>Deletes the user, if it is still at <paramref name="expectedVersion"/> when one is given.</summary>
    /// <param name="expectedVersion">The version the caller read, or <see langword="null"/> to delete whatever is there.</param>
    /// <returns>A task that completes when the database and the cache no longer hold the user.</returns>
    /// <exception cref="UserException">
    /// <see cref="UserErrorCode.NotFound"/>, <see cref="UserErrorCode.VersionConflict"/> or <see cref="UserErrorCode.DatabaseUnavailable"/>.
    /// </exception>
    [Alias("delete")]
    Task DeleteAsync(long? expectedVersion = null);
}
