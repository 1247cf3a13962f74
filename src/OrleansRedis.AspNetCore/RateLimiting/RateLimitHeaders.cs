using System.Globalization;
using OrleansRedis.Abstractions.RateLimiting;

namespace OrleansRedis.AspNetCore.RateLimiting;

/// <summary>
/// The rate-limit headers of a decision, written the same way by the <c>/ratelimit</c> endpoints and by the
/// middleware's rejection: <c>RateLimit-Limit</c>, <c>RateLimit-Remaining</c>, <c>RateLimit-Reset</c> (seconds), and
/// <c>Retry-After</c> (seconds) when denied. Seconds are rounded up: a client that waits this long is never early.
/// </summary>
public static class RateLimitHeaders
{
    /// <summary>Writes <paramref name="decision"/>'s headers.</summary>
    public static void Write(IHeaderDictionary headers, RateLimitDecision decision)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(decision);
        headers["RateLimit-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Reset"] = Seconds(decision.ResetAfter);
        if (!decision.Allowed)
        {
            headers.RetryAfter = Seconds(decision.RetryAfter);
        }
    }

    private static string Seconds(TimeSpan duration) =>
        ((long)Math.Ceiling(duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
