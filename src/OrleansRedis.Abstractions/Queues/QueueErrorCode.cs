namespace OrleansRedis.Abstractions.Queues;

/// <summary>Why a queue operation failed.</summary>
public enum QueueErrorCode
{
    /// <summary>No specific reason.</summary>
    Unknown = 0,

    /// <summary>The queue is not declared in <c>OrleansRedis:Queues:Definitions</c>.</summary>
    UnknownQueue = 1,

    /// <summary>
    /// The lease token no longer holds the job: its lease ran out and the job was redelivered, the partition restarted
    /// (a new epoch), the job was cancelled or already finished. The work must not be applied.
    /// </summary>
    LeaseLost = 2,

    /// <summary>The queue is at its depth cap; nothing was enqueued. Try again after <see cref="QueueException.RetryAfter"/>.</summary>
    QueueFull = 3,

    /// <summary>No such job (never existed, malformed id, or its retention ran out).</summary>
    NotFound = 4,

    /// <summary>An argument is invalid (<see cref="QueueException.Field"/> names it); nothing was changed.</summary>
    Invalid = 5,

    /// <summary>Redis or the cluster could not be reached in time, so the outcome is unknown.</summary>
    Unavailable = 6,
}
