namespace OrleansRedis.Abstractions.Locks;

/// <summary>Why a lock operation failed.</summary>
public enum LockErrorCode
{
    /// <summary>No specific reason.</summary>
    Unknown = 0,

    /// <summary>The lock was still held by someone else when the wait ran out.</summary>
    WaitTimedOut = 1,

    /// <summary>The lease ran out or was taken over before the holder released it.</summary>
    LeaseLost = 2,

    /// <summary>Redis or the cluster could not be reached in time, so the outcome is unknown.</summary>
    Unavailable = 3,
}
