namespace OrleansRedis.Abstractions.Probe;

/// <summary>
/// A small persisted register. Operators and tests use it to prove that grain state round-trips through the Redis
/// grain storage and survives silo kills, full cluster restarts and Redis restarts.
/// </summary>
[Alias("orleansredis.probe")]
public interface IStateProbeGrain : IGrainWithStringKey
{
    /// <summary>Stores <paramref name="value"/>, persisting it before the call returns, and bumps the version.</summary>
    /// <param name="value">The value to store; at most <see cref="ProbeLimits.MaxValueLength"/> characters.</param>
    /// <returns>The state as persisted.</returns>
    [Alias("set")]
    Task<ProbeSnapshot> SetAsync(string value);

    /// <summary>Reads the current state.</summary>
    /// <returns>The state, with the address of the silo that answered.</returns>
    [Alias("get")]
    Task<ProbeSnapshot> GetAsync();
}
