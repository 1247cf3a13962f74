using OrleansRedis.Abstractions.Diagnostics;
using StackExchange.Redis;

namespace OrleansRedis.Redis.RateLimiting;

/// <summary>
/// Runs the rate-limit scripts. Every decision is one atomic Lua script timed by <c>redis.call('TIME')</c>, so the
/// limit holds whichever silo, activation or process asks, and clock skew between machines cannot bend a window.
/// One call decides a whole batch of requests for one key in the order given, which is how a grain turns N
/// concurrent checks into one round trip. Scripts go through <see cref="IDatabaseAsync.ScriptEvaluateAsync(string, RedisKey[], RedisValue[], CommandFlags)"/>,
/// which sends EVALSHA and falls back to EVAL when Redis answers NOSCRIPT (an empty script cache after a restart).
/// <para>
/// Every algorithm's script answers in one reply shape (a <see cref="ScriptReply"/> of named fields), read by one
/// parser: the columns <c>allowed</c> (0/1), <c>remaining</c>, <c>retry_us</c> and <c>reset_us</c>, each an array with
/// one entry per request in the order given, then <c>batch_remaining</c> (units left after the whole batch),
/// <c>batch_retry_us</c> (time until a request of cost 1 fits) and <c>now_us</c> (Redis's clock). Columns rather than
/// one record per request keep the reply as small as a positional one: a batch of N requests is 4N integers.
/// </para>
/// </summary>
public sealed partial class RateLimitStore(RedisConnections connections, RedisKeys keys)
{
    /// <summary>The longest window a script accepts, so that microsecond arithmetic stays exact in Lua doubles.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(7);

    /// <summary>The largest limit a script accepts.</summary>
    public const long MaxLimit = 1_000_000_000;

    private static readonly ReplyField Allowed = new("allowed");
    private static readonly ReplyField Remaining = new("remaining");
    private static readonly ReplyField RetryUs = new("retry_us");
    private static readonly ReplyField ResetUs = new("reset_us");
    private static readonly ReplyField BatchRemaining = new("batch_remaining");
    private static readonly ReplyField BatchRetryUs = new("batch_retry_us");
    private static readonly ReplyField NowUs = new("now_us");

    /// <summary>Gets the key holding the window of <paramref name="subject"/> under <paramref name="policy"/>.</summary>
    public RedisKey KeyFor(string policy, string subject, RateLimitAlgorithm algorithm) => keys.RateLimit(policy, subject, algorithm);

    /// <summary>
    /// Decides <paramref name="costs"/> for one key (from <see cref="KeyFor"/>) in order; a cost of 0 is a peek that records nothing and reports
    /// whether a request of cost 1 would fit. Denied requests record nothing; an admitted request records its whole
    /// cost, all-or-nothing.
    /// </summary>
    /// <exception cref="ArgumentException">A cost is negative or above <paramref name="limit"/>, or the limit or window is out of range.</exception>
    /// <exception cref="RedisException">Redis failed or timed out.</exception>
    public async Task<RateLimitBatch> CheckAsync(
        RedisKey key, RateLimitAlgorithm algorithm, long limit, TimeSpan window, IReadOnlyList<int> costs)
    {
        ArgumentNullException.ThrowIfNull(costs);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLimit);
        if (window < TimeSpan.FromMilliseconds(1) || window > MaxWindow)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, $"The window must be between 1 ms and {MaxWindow}.");
        }

        if (costs.Count == 0)
        {
            throw new ArgumentException("At least one request is required.", nameof(costs));
        }

        var (script, name, fixedArguments) = algorithm switch
        {
            RateLimitAlgorithm.SlidingLog => (SlidingLogScript, "rate-limit sliding log", 3),
            RateLimitAlgorithm.SlidingWindowCounter => (SlidingWindowCounterScript, "rate-limit sliding window counter", 2),
            RateLimitAlgorithm.TokenBucket => (TokenBucketScript, "rate-limit token bucket", 2),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown rate-limit algorithm."),
        };
        var arguments = new RedisValue[fixedArguments + costs.Count];
        arguments[0] = limit;
        arguments[1] = Microseconds(window);
        if (algorithm == RateLimitAlgorithm.SlidingLog)
        {
            // Members must be unique even when two batches share a microsecond (or the clock steps back).
            arguments[2] = Random.Shared.NextInt64().ToString("x");
        }

        for (var i = 0; i < costs.Count; i++)
        {
            if (costs[i] < 0 || costs[i] > limit)
            {
                throw new ArgumentOutOfRangeException(nameof(costs), costs[i], $"A cost must be between 0 and the limit ({limit}).");
            }

            arguments[fixedArguments + i] = costs[i];
        }

        var reply = await connections.State.GetDatabase()
            .ScriptEvaluateAsync(OrleansRedisActivitySources.RateLimiting, name, script, [key], arguments)
            .ConfigureAwait(false);
        return Parse(ScriptReply.Read(reply, name), costs.Count);
    }

    /// <summary>Deletes every window of the subject (all algorithms' keys) in one command.</summary>
    /// <returns>Whether anything was deleted.</returns>
    public async Task<bool> ResetAsync(string policy, string subject) =>
        await connections.State.GetDatabase().KeyDeleteAsync(keys.RateLimitAll(policy, subject)).ConfigureAwait(false) > 0;

    /// <summary>
    /// Gets whether the State connection can carry a command for <paramref name="key"/> right now. False during a Redis
    /// outage: the caller can decide by its failure mode at once instead of waiting for a timeout.
    /// </summary>
    public bool IsConnected(RedisKey key) => connections.State.GetDatabase().IsConnected(key);

    /// <summary>Converts a duration to whole microseconds, the unit the scripts count in.</summary>
    public static long Microseconds(TimeSpan duration) => duration.Ticks / (TimeSpan.TicksPerMillisecond / 1000);

    private static TimeSpan FromMicroseconds(long microseconds) =>
        TimeSpan.FromTicks(Math.Max(0, microseconds) * (TimeSpan.TicksPerMillisecond / 1000));

    private static RateLimitBatch Parse(ScriptReply reply, int count)
    {
        var allowed = reply.Array(Allowed);
        var remaining = reply.Array(Remaining);
        var retry = reply.Array(RetryUs);
        var reset = reply.Array(ResetUs);
        if (allowed.Length != count || remaining.Length != count || retry.Length != count || reset.Length != count)
        {
            throw new RedisException($"The rate-limit script answered {allowed.Length} verdicts for {count} requests.");
        }

        var verdicts = new RateLimitVerdict[count];
        for (var i = 0; i < count; i++)
        {
            verdicts[i] = new RateLimitVerdict(
                (long)allowed[i] == 1, (long)remaining[i], FromMicroseconds((long)retry[i]), FromMicroseconds((long)reset[i]));
        }

        return new RateLimitBatch(
            verdicts, reply.Int64(BatchRemaining), FromMicroseconds(reply.Int64(BatchRetryUs)), reply.Int64(NowUs));
    }
}
