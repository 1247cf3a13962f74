using OrleansRedis.Redis.RateLimiting;
using StackExchange.Redis;

namespace OrleansRedis.Redis;

/// <summary>Keys of the rate-limit windows.</summary>
public sealed partial class RedisKeys
{
    /// <summary>The key kind of rate-limit windows: <c>{prefix}:ratelimit:{{policy/subject}}:{algorithm}</c>.</summary>
    public const string RateLimitKind = "ratelimit";

    /// <summary>
    /// Builds the key holding the window of <paramref name="subject"/> under <paramref name="policy"/> for
    /// <paramref name="algorithm"/>. The algorithm is a suffix, so switching a policy's algorithm starts from a fresh
    /// window instead of feeding one algorithm's data structure to another's script (WRONGTYPE).
    /// </summary>
    public RedisKey RateLimit(string policy, string subject, RateLimitAlgorithm algorithm) =>
        Build(RateLimitKind, $"{policy}/{subject}", algorithm switch
        {
            RateLimitAlgorithm.SlidingLog => "log",
            RateLimitAlgorithm.SlidingWindowCounter => "counter",
            RateLimitAlgorithm.TokenBucket => "gcra",
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown rate-limit algorithm."),
        });

    /// <summary>Builds the keys of every algorithm for one subject; they share a hash tag, so one DEL removes them all.</summary>
    public RedisKey[] RateLimitAll(string policy, string subject) =>
        [.. Enum.GetValues<RateLimitAlgorithm>().Select(algorithm => RateLimit(policy, subject, algorithm))];
}
