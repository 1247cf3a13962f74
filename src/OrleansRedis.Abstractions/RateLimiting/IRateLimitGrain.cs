namespace OrleansRedis.Abstractions.RateLimiting;

/// <summary>
/// The rate limit of one subject under one named policy. The grain key is <c>"{policy}/{subject}"</c> (see
/// <see cref="RateLimitKey"/>); the window itself lives in Redis, so the limit holds across silos and survives silo
/// restarts. Concurrent checks for one key are sent to Redis together in one script call and decided in arrival order.
/// </summary>
[Alias("orleansredis.ratelimit")]
public interface IRateLimitGrain : IGrainWithStringKey
{
    /// <summary>
    /// Asks to spend <paramref name="cost"/> units of the key's limit. The request is admitted all-or-nothing: a denied
    /// request records nothing, so a client that keeps retrying is admitted as soon as the window allows.
    /// </summary>
    /// <param name="cost">The units to spend; at least 1 and at most the policy's limit.</param>
    /// <returns>
    /// The decision. When Redis cannot decide within the policy's bound, the policy's failure mode decides and the
    /// decision is marked <see cref="RateLimitDecision.Degraded"/>.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cost"/> is below 1 or above the limit.</exception>
    /// <exception cref="RateLimitException">The key names no configured policy or is malformed.</exception>
    [Alias("check")]
    Task<RateLimitDecision> CheckAsync(int cost = 1);

    /// <summary>Reads the key's current state without spending anything.</summary>
    /// <returns>
    /// What a check of cost 1 would be told now: <see cref="RateLimitDecision.Allowed"/> is whether it would pass.
    /// </returns>
    /// <exception cref="RateLimitException">The key names no configured policy or is malformed.</exception>
    [Alias("peek")]
    Task<RateLimitDecision> PeekAsync();

    /// <summary>Forgets every request recorded for the key, so the full limit is available again.</summary>
    /// <exception cref="RateLimitException">
    /// The key names no configured policy, or Redis could not be reached (<see cref="RateLimitErrorCode.Unavailable"/>).
    /// </exception>
    [Alias("reset")]
    Task ResetAsync();
}
