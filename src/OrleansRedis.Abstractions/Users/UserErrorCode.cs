namespace OrleansRedis.Abstractions.Users;

/// <summary>Why a user operation failed; carried by <see cref="UserException"/>.</summary>
[GenerateSerializer, Alias("orleansredis.users.error")]
public enum UserErrorCode
{
    /// <summary>No user has that id (HTTP 404).</summary>
    NotFound = 0,

    /// <summary>A user with that id already exists (HTTP 409).</summary>
    AlreadyExists = 1,

    /// <summary>The expected version is not the current one: someone else changed the user first (HTTP 409).</summary>
    VersionConflict = 2,

    /// <summary>The database of record did not answer in time and no usable cached copy exists (HTTP 503).</summary>
    DatabaseUnavailable = 3,
}
