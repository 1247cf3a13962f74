namespace OrleansRedis.Abstractions.RateLimiting;

/// <summary>Finds rate-limit grains by policy and subject.</summary>
public static class RateLimitGrainFactoryExtensions
{
    /// <summary>Gets the <see cref="IRateLimitGrain"/> of <paramref name="subject"/> under <paramref name="policy"/>.</summary>
    /// <exception cref="ArgumentException">The policy name or the subject is not valid (see <see cref="RateLimitKey"/>).</exception>
    public static IRateLimitGrain GetRateLimitGrain(this IGrainFactory grains, string policy, string subject)
    {
        ArgumentNullException.ThrowIfNull(grains);
        return grains.GetGrain<IRateLimitGrain>(RateLimitKey.Compose(policy, subject));
    }
}
