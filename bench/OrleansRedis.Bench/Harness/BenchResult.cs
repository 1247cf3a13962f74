namespace OrleansRedis.Bench.Harness;

/// <summary>One measured variant of a scenario.</summary>
/// <param name="Scenario">The scenario, e.g. <c>ratelimit-hot-key</c>.</param>
/// <param name="Variant">What was measured, e.g. <c>grain (external client)</c> or <c>direct Lua</c>.</param>
/// <param name="Operations">Completed operations.</param>
/// <param name="OpsPerSecond">Throughput.</param>
/// <param name="P50Us">Median latency in microseconds.</param>
/// <param name="P99Us">99th percentile latency in microseconds.</param>
/// <param name="P999Us">99.9th percentile latency in microseconds.</param>
/// <param name="Notes">Anything else worth reading next to the numbers (errors, database queries, ratios).</param>
public sealed record BenchResult(
    string Scenario, string Variant, long Operations, double OpsPerSecond, double P50Us, double P99Us, double P999Us, string Notes = "");
