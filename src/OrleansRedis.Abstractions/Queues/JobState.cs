namespace OrleansRedis.Abstractions.Queues;

/// <summary>Where a job is in its life.</summary>
public enum JobState
{
    /// <summary>Ready to run (in its priority stream), or parked behind an earlier job of the same key.</summary>
    Waiting = 0,

    /// <summary>Waiting for its run-at time.</summary>
    Delayed = 1,

    /// <summary>Leased by a worker or a handler.</summary>
    Active = 2,

    /// <summary>Finished successfully; kept for the queue's retention, then gone.</summary>
    Completed = 3,

    /// <summary>Its last attempt failed and it waits for its retry (backoff).</summary>
    Failed = 4,

    /// <summary>Every attempt failed: in the dead-letter list with its last error.</summary>
    Dead = 5,

    /// <summary>Cancelled before it finished; kept for the queue's retention, then gone.</summary>
    Cancelled = 6,
}
