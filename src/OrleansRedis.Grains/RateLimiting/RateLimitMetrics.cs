using System.Diagnostics.Metrics;
using OrleansRedis.Redis.RateLimiting;

namespace OrleansRedis.Grains.RateLimiting;

/// <summary>
/// The <c>OrleansRedis.RateLimiting</c> meter: decisions by policy and result, degraded decisions by reason, script
/// latency and batch sizes. Tags carry policy names (bounded by configuration), never subjects.
/// </summary>
public sealed class RateLimitMetrics
{
    /// <summary>The meter's name; <c>/metrics</c> exports every <c>OrleansRedis.*</c> meter.</summary>
    public const string MeterName = "OrleansRedis.RateLimiting";

    private readonly Counter<long> _decisions;
    private readonly Counter<long> _degraded;
    private readonly Histogram<double> _scriptDuration;
    private readonly Histogram<int> _batchSize;

    public RateLimitMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _decisions = meter.CreateCounter<long>(
            "orleansredis.ratelimit.decisions", "{decision}",
            "Rate-limit decisions by policy, result (allowed, denied) and source (redis; cache: denied by the grain while Redis reported the key exhausted; degraded: decided by the failure mode).");
        _degraded = meter.CreateCounter<long>(
            "orleansredis.ratelimit.degraded_decisions", "{decision}",
            "Decisions made by a policy's failure mode because Redis could not decide in time, by policy, failure mode and reason (disconnected, timeout, error).");
        _scriptDuration = meter.CreateHistogram(
            "orleansredis.ratelimit.script.duration", "s",
            "Time of one rate-limit script call (one batch of checks for one key), by algorithm and outcome.",
            advice: new InstrumentAdvice<double>
            {
                HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
            });
        _batchSize = meter.CreateHistogram(
            "orleansredis.ratelimit.batch.size", "{request}",
            "Checks of one key decided together in one script call (coalescing), by policy.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] });
    }

    /// <summary>Counts a decision.</summary>
    public void Decision(string policy, bool allowed, string source) =>
        _decisions.Add(1,
            new KeyValuePair<string, object?>("orleansredis.ratelimit.policy", policy),
            new KeyValuePair<string, object?>("orleansredis.ratelimit.result", allowed ? "allowed" : "denied"),
            new KeyValuePair<string, object?>("orleansredis.ratelimit.source", source));

    /// <summary>Counts a decision made by the failure mode.</summary>
    public void Degraded(string policy, RateLimitFailureMode mode, string reason) =>
        _degraded.Add(1,
            new KeyValuePair<string, object?>("orleansredis.ratelimit.policy", policy),
            new KeyValuePair<string, object?>("orleansredis.ratelimit.failure_mode", mode == RateLimitFailureMode.Open ? "open" : "closed"),
            new KeyValuePair<string, object?>("orleansredis.ratelimit.reason", reason));

    /// <summary>Records one script call.</summary>
    public void Script(string policy, RateLimitAlgorithm algorithm, TimeSpan elapsed, int batchSize, bool succeeded)
    {
        _scriptDuration.Record(elapsed.TotalSeconds,
            new KeyValuePair<string, object?>("orleansredis.ratelimit.algorithm", AlgorithmTag(algorithm)),
            new KeyValuePair<string, object?>("orleansredis.ratelimit.outcome", succeeded ? "ok" : "error"));
        _batchSize.Record(batchSize, new KeyValuePair<string, object?>("orleansredis.ratelimit.policy", policy));
    }

    private static string AlgorithmTag(RateLimitAlgorithm algorithm) => algorithm switch
    {
        RateLimitAlgorithm.SlidingLog => "sliding_log",
        RateLimitAlgorithm.SlidingWindowCounter => "sliding_window_counter",
        RateLimitAlgorithm.TokenBucket => "token_bucket",
        _ => "unknown",
    };
}
