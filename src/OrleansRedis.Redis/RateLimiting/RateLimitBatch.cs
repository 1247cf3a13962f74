namespace OrleansRedis.Redis.RateLimiting;

/// <summary>What one script call decided: a verdict per request, in the order the requests were given.</summary>
/// <param name="Verdicts">One verdict per request, in arrival order.</param>
/// <param name="Remaining">The units available after the whole batch.</param>
/// <param name="NextAvailable">The time until a request of cost 1 would fit; zero when <paramref name="Remaining"/> is positive.</param>
/// <param name="RedisTimeMicroseconds">Redis's clock (<c>TIME</c>, in microseconds since the epoch) when the batch was decided.</param>
public sealed record RateLimitBatch(
    IReadOnlyList<RateLimitVerdict> Verdicts, long Remaining, TimeSpan NextAvailable, long RedisTimeMicroseconds);
