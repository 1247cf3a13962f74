using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansRedis.Abstractions.Configuration;
using OrleansRedis.Grains.Hosting;
using OrleansRedis.Redis.RateLimiting;

namespace OrleansRedis.Grains.RateLimiting;

/// <summary>Registers rate limiting.</summary>
public static class RateLimitingServiceCollectionExtensions
{
    /// <summary>
    /// Registers the rate-limit policies (bound from <c>OrleansRedis:RateLimits</c> in <paramref name="configuration"/>
    /// when given, then <paramref name="configure"/>; validated on start: a bad value, an unknown enum name or a misspelt
    /// key stops the host with a message naming the setting), the script runner, the metrics, and what every capability
    /// shares.
    /// </summary>
    public static IServiceCollection AddOrleansRedisRateLimiting(
        this IServiceCollection services, IConfiguration? configuration, Action<RateLimitingOptions>? configure = null)
    {
        services.AddOrleansRedisCore(configuration);
        // Unknown keys are refused here: a misspelt 'Limt' would otherwise leave a policy without its limit.
        services.AddSettings<RateLimitingOptions, RateLimitingOptionsValidator>(
            configuration, RateLimitingOptions.SectionName, configure, rejectUnknownKeys: true);
        services.AddMetrics();
        services.TryAddSingleton<RateLimitPolicies>();
        services.TryAddSingleton<RateLimitStore>();
        services.TryAddSingleton<RateLimitMetrics>();
        services.TryAddSingleton<RateLimitOutageLog>();
        return services;
    }
}
