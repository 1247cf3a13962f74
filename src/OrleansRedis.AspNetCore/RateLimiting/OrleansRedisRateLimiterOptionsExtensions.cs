using OrleansRedis.Abstractions.RateLimiting;
using OrleansRedis.AspNetCore.RateLimiting;

// Next to the framework's own AddFixedWindowLimiter, AddPolicy...: found without a using.
namespace Microsoft.AspNetCore.RateLimiting;

/// <summary>Adds OrleansRedis rate limits to ASP.NET Core's rate-limiting middleware.</summary>
public static class OrleansRedisRateLimiterOptionsExtensions
{
    /// <summary>
    /// Adds the middleware policy <paramref name="policyName"/> over the OrleansRedis policy of that name (or
    /// <paramref name="orleansRedisPolicy"/>), keyed by <paramref name="partitionKey"/>: endpoints with
    /// <c>RequireRateLimiting(policyName)</c> or <c>[EnableRateLimiting(policyName)]</c> are then limited across every
    /// app instance of the cluster. Rejections answer 429 with <c>Retry-After</c> (see
    /// <see cref="OrleansRedisRateLimiterPolicy.WriteRejectionAsync"/>), and <see cref="RateLimiterOptions.RejectionStatusCode"/>
    /// becomes 429 if it is still the framework's 503, so the global limiter's rejections are 429 too.
    /// </summary>
    /// <param name="options">The middleware's options.</param>
    /// <param name="policyName">The middleware policy's name.</param>
    /// <param name="partitionKey">The key of a request: the user, the API key, the client's address...</param>
    /// <param name="orleansRedisPolicy">The OrleansRedis policy's name; the default is <paramref name="policyName"/>.</param>
    public static RateLimiterOptions AddOrleansRedisPolicy(
        this RateLimiterOptions options, string policyName, Func<HttpContext, string> partitionKey, string? orleansRedisPolicy = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(partitionKey);
        var policy = orleansRedisPolicy ?? policyName;
        if (RateLimitKey.PolicyError(policy) is { } error)
        {
            throw new ArgumentException(error, orleansRedisPolicy is null ? nameof(policyName) : nameof(orleansRedisPolicy));
        }

        if (options.RejectionStatusCode == StatusCodes.Status503ServiceUnavailable)
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        }

        options.AddPolicy(policyName, new OrleansRedisRateLimiterPolicy(policy, partitionKey));
        return options;
    }
}
