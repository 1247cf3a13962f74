namespace OrleansRedis.Grains.RateLimiting;

/// <summary>What a policy decides when Redis cannot decide within the policy's bound.</summary>
public enum RateLimitFailureMode
{
    /// <summary>Admit the request, marked degraded: the service stays up without limits while Redis is away.</summary>
    Open = 0,

    /// <summary>Deny the request, marked degraded (HTTP 503): nothing passes unchecked, at the cost of availability.</summary>
    Closed = 1,
}
