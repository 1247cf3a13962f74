namespace OrleansRedis.Grains.Probe;

/// <summary>What <see cref="StateProbeGrain"/> persists. Serialized with System.Text.Json; keep property names stable.</summary>
public sealed class ProbeState
{
    public string Value { get; set; } = string.Empty;

    public long Version { get; set; }

    public DateTimeOffset? UpdatedAtUtc { get; set; }
}
