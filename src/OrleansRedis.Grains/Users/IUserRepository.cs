using OrleansRedis.Abstractions.Users;

namespace OrleansRedis.Grains.Users;

/// <summary>
/// The database of record for users, with optimistic concurrency on a version column. Versions never go back for an
/// id: a delete leaves a tombstone row (id and version only) and a re-creation continues from it.
/// Every failure to reach the database, or to finish within the configured timeout, is a <see cref="UserException"/>
/// with <see cref="UserErrorCode.DatabaseUnavailable"/>.
/// </summary>
public interface IUserRepository
{
    /// <summary>Creates or migrates the schema; safe to run again and from several processes at once.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Reads one id.</summary>
    Task<UserLookup> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Creates a user; throws <see cref="UserErrorCode.AlreadyExists"/> when one exists.</summary>
    Task<UserRecord> CreateAsync(string id, string name, string email, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Updates a user at <paramref name="expectedVersion"/>; throws <see cref="UserErrorCode.NotFound"/> or
    /// <see cref="UserErrorCode.VersionConflict"/> (with the current version).
    /// </summary>
    Task<UserRecord> UpdateAsync(string id, string name, string email, long expectedVersion, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes a user (at <paramref name="expectedVersion"/> when given) and returns the tombstone's version; throws
    /// <see cref="UserErrorCode.NotFound"/> or <see cref="UserErrorCode.VersionConflict"/>.
    /// </summary>
    Task<long> DeleteAsync(string id, long? expectedVersion, DateTimeOffset now, CancellationToken cancellationToken);
}
