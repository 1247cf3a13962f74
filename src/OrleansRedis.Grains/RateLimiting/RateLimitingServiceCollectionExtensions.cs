using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansRedis.Redis.RateLimiting;

namespace OrleansRedis.Grains.RateLimiting;

/// <summary>Registers rate limiting.</summary>
public static class RateLimitingServiceCollectionExtensions
{
    /// <summary>
    /// Registers the rate-limit policies (bound from <c>OrleansRedis:RateLimits</c> and validated on start: a bad
    /// value stops the host with a message naming the setting), the script runner and the metrics.
    /// </summary>
    public static IServiceCollection AddOrleansRedisRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(RateLimitingOptions.SectionName);
        services.AddOptions<RateLimitingOptions>()
            .Configure(options =>
            {
                var errors = RateLimitingConfiguration.Bind(section, options);
                if (errors.Count > 0)
                {
                    // Report unreadable values together with the range problems of the readable ones.
                    throw new OptionsValidationException(
                        Options.DefaultName, typeof(RateLimitingOptions), [.. errors, .. RateLimitingOptionsValidator.Errors(options)]);
                }
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RateLimitingOptions>, RateLimitingOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RateLimitPolicies>();
        services.TryAddSingleton<RateLimitStore>();
        services.TryAddSingleton<RateLimitMetrics>();
        services.TryAddSingleton<RateLimitOutageLog>();
        return services;
    }
}
