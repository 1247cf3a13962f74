namespace OrleansRedis.Abstractions.Probe;

/// <summary>Input limits of <see cref="IStateProbeGrain"/>.</summary>
public static class ProbeLimits
{
    /// <summary>The longest value a probe stores.</summary>
    public const int MaxValueLength = 4096;
}
