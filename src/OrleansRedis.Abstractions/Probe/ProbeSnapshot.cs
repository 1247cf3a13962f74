namespace OrleansRedis.Abstractions.Probe;

/// <summary>The persisted state of a <see cref="IStateProbeGrain"/> as seen by one call.</summary>
/// <param name="Value">The stored value; empty when never set.</param>
/// <param name="Version">The number of writes so far.</param>
/// <param name="UpdatedAtUtc">When the last write happened; <see langword="null"/> when never set.</param>
/// <param name="Silo">The address of the silo hosting the activation that answered.</param>
[GenerateSerializer, Immutable, Alias("orleansredis.probe.snapshot")]
public sealed record ProbeSnapshot(string Value, long Version, DateTimeOffset? UpdatedAtUtc, string Silo);
