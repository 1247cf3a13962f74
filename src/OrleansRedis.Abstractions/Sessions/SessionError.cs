namespace OrleansRedis.Abstractions.Sessions;

/// <summary>Why a session operation was refused; carried by <see cref="SessionException"/>.</summary>
public enum SessionError
{
    /// <summary>The data is not a JSON object (malformed JSON, an array, a string, duplicate property names...).</summary>
    InvalidData = 1,

    /// <summary>The data, or the data a merge would produce, is larger than the configured maximum.</summary>
    DataTooLarge = 2,

    /// <summary>An idle or absolute timeout is below 1 second or above its configured maximum.</summary>
    InvalidTimeout = 3,

    /// <summary>The user id is empty, too long or contains control characters.</summary>
    InvalidUserId = 4,

    /// <summary>The grain key is not an id hash (a raw session id was used as a key, or a malformed one).</summary>
    InvalidKey = 5,

    /// <summary>A session already exists under this id hash; generate a new id.</summary>
    AlreadyExists = 6,

    /// <summary>Concurrent writers kept changing the session; the write was not applied. Retry.</summary>
    Conflict = 7,
}
