namespace OrleansRedis.Abstractions.RateLimiting;

/// <summary>The answer to one rate-limit check or peek.</summary>
/// <param name="Allowed">Whether the request was admitted (for a peek: whether a request of cost 1 would be now).</param>
/// <param name="Limit">The policy's limit per window.</param>
/// <param name="Remaining">The units still available after this decision.</param>
/// <param name="RetryAfter">
/// When denied, how long until the same request would be admitted if nobody else spends anything; zero when allowed.
/// </param>
/// <param name="ResetAfter">How long until the full limit is available again if nobody spends anything.</param>
/// <param name="Degraded">
/// Whether Redis could not decide within the policy's bound, so the policy's failure mode decided instead: allowed for
/// <c>Open</c> policies, denied for <c>Closed</c> ones. Remaining and the times are then estimates.
/// </param>
[GenerateSerializer, Immutable, Alias("orleansredis.ratelimit.decision")]
public sealed record RateLimitDecision(
    bool Allowed,
    long Limit,
    long Remaining,
    TimeSpan RetryAfter,
    TimeSpan ResetAfter,
    bool Degraded);
