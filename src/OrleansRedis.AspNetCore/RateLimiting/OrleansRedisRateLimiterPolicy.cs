using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using OrleansRedis.Abstractions.RateLimiting;
using OrleansRedis.AspNetCore.Errors;

namespace OrleansRedis.AspNetCore.RateLimiting;

/// <summary>
/// A rate-limiting middleware policy over an OrleansRedis policy: one <see cref="OrleansRedisRateLimiter"/> per key of
/// a request. Added by <c>AddOrleansRedisPolicy</c>; its rejection is <see cref="WriteRejectionAsync"/>.
/// </summary>
/// <param name="policy">The name of the OrleansRedis policy (<c>OrleansRedis:RateLimits:Policies:{policy}</c>).</param>
/// <param name="partitionKey">The key of a request.</param>
public sealed class OrleansRedisRateLimiterPolicy(string policy, Func<HttpContext, string> partitionKey) : IRateLimiterPolicy<string>
{
    /// <inheritdoc />
    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = WriteRejectionAsync;

    /// <inheritdoc />
    public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
        OrleansRedisRateLimiter.Partition(httpContext, policy, partitionKey(httpContext));

    /// <summary>
    /// Answers a rejected request: 429 problem+json with <c>Retry-After</c> and the <c>RateLimit-*</c> headers of the
    /// decision; 503 (<c>backend: redis</c>) when the policy fails closed because Redis could not decide.
    /// </summary>
    public static ValueTask WriteRejectionAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.HttpContext;
        if (!context.Lease.TryGetMetadata(OrleansRedisRateLimitMetadata.Decision, out var decision) || decision is null)
        {
            var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
            return new(Problems.TooManyRequests("The request's rate limit is spent.", retryAfter).ExecuteAsync(http));
        }

        RateLimitHeaders.Write(http.Response.Headers, decision);
        var problem = decision.Degraded
            ? Problems.Unavailable("The rate limiter cannot reach Redis and its policy fails closed.", "redis", (long)Math.Ceiling(decision.RetryAfter.TotalSeconds))
            : Problems.TooManyRequests($"The rate limit of {decision.Limit} per window is spent.", decision.RetryAfter);
        return new(problem.ExecuteAsync(http));
    }
}
