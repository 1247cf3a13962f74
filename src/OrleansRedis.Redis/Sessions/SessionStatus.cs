namespace OrleansRedis.Redis.Sessions;

/// <summary>What a session script found.</summary>
public enum SessionStatus
{
    /// <summary>The session is live; the script did its work.</summary>
    Found,

    /// <summary>No such key: never created, expired by its TTL, destroyed, rotated away or revoked.</summary>
    Missing,

    /// <summary>The key was still there past its absolute deadline; the script deleted it.</summary>
    Expired,

    /// <summary>A conditional write found another version than expected; nothing was written.</summary>
    Conflict,

    /// <summary>A create found the key taken; nothing was written.</summary>
    Exists,
}
