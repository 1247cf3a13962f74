namespace OrleansRedis.Bench.Harness;

/// <summary>How long and how hard each variant runs.</summary>
/// <param name="Duration">Measured time per variant (after a short warm-up).</param>
/// <param name="Workers">Concurrent callers per variant, unless a scenario says otherwise.</param>
/// <param name="Repeats">Runs of each measurement whose median a scenario that repeats reports (the queue scenarios).</param>
/// <param name="Subscribers">Real-time subscribers per system (the real-time scenario).</param>
public sealed record BenchSettings(TimeSpan Duration, int Workers, int Repeats = 3, int Subscribers = 1000);
