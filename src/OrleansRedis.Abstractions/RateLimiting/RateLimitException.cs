namespace OrleansRedis.Abstractions.RateLimiting;

/// <summary>A rate-limit call that could not be carried out; <see cref="Code"/> says why.</summary>
[GenerateSerializer, Alias("orleansredis.ratelimit.exception")]
public sealed class RateLimitException : Exception
{
    /// <summary>Creates an exception with <paramref name="code"/> and <paramref name="message"/>.</summary>
    public RateLimitException(RateLimitErrorCode code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>Gets why the call failed.</summary>
    [Id(0)]
    public RateLimitErrorCode Code { get; }
}
