using OrleansRedis.AspNetCore.Health;
using OrleansRedis.Redis.Health;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The project's health checks, for any host that co-hosts an OrleansRedis silo.</summary>
public static class OrleansRedisHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds <c>redis</c> (every Redis role answers a PING within the operation timeout) and <c>silo</c> (the co-hosted
    /// silo is active), both tagged <see cref="HealthEndpoints.ReadyTag"/>, which <c>MapOrleansRedisHealth</c>'s
    /// <c>/health/ready</c> runs.
    /// </summary>
    public static IHealthChecksBuilder AddOrleansRedis(this IHealthChecksBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .AddCheck<RedisHealthCheck>("redis", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<SiloActiveHealthCheck>("silo", tags: [HealthEndpoints.ReadyTag]);
    }
}
