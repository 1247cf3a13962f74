namespace OrleansRedis.Redis.RateLimiting;

/// <summary>What Redis decided for one request of a batch.</summary>
/// <param name="Allowed">Whether the request was admitted (for a peek: whether a request of cost 1 would be).</param>
/// <param name="Remaining">The units available after this request.</param>
/// <param name="RetryAfter">When denied, the time until the same request would fit; zero when allowed.</param>
/// <param name="ResetAfter">The time until the full limit is available again.</param>
public readonly record struct RateLimitVerdict(bool Allowed, long Remaining, TimeSpan RetryAfter, TimeSpan ResetAfter);
