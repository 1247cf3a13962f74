namespace OrleansRedis.Abstractions.Queues;

/// <summary>A job's priority: ready jobs of a higher priority are leased first (one stream per priority).</summary>
public enum JobPriority
{
    /// <summary>Leased before every normal and low job.</summary>
    High = 0,

    /// <summary>The default.</summary>
    Normal = 1,

    /// <summary>Leased when no high or normal job is ready.</summary>
    Low = 2,
}
