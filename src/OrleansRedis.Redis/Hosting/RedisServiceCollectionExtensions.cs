using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.Configuration;

namespace OrleansRedis.Redis.Hosting;

/// <summary>Registers the shared Redis connections.</summary>
public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="RedisConnections"/> (one multiplexer per role for the whole process, or the host's own:
    /// see <see cref="RedisOptions.StateServiceKey"/> and <see cref="RedisOptions.StateMultiplexer"/>), bound from
    /// <c>OrleansRedis:Redis</c> in <paramref name="configuration"/> when given, then <paramref name="configure"/>, and
    /// validated on start. Calling it again only adds <paramref name="configure"/>.
    /// </summary>
    public static IServiceCollection AddOrleansRedisConnections(
        this IServiceCollection services, IConfiguration? configuration, Action<RedisOptions>? configure = null)
    {
        var options = services.AddOptions<RedisOptions>();
        if (configuration is not null && !services.Any(d => d.ServiceType == typeof(BoundFromConfiguration)))
        {
            // Once: a second binding of the same section would only repeat its problems.
            services.AddSingleton<BoundFromConfiguration>();
            options.BindSettings(configuration, RedisOptions.SectionName);
        }

        if (!services.Any(d => d.ServiceType == typeof(RedisConnections)))
        {
            options.ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisOptions>, RedisOptionsValidator>());
            services.TryAddSingleton<RedisConnections>();
            services.TryAddSingleton<RedisKeys>();
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        return services;
    }

    /// <summary>Marks a service collection whose Redis options are already bound from configuration.</summary>
    private sealed class BoundFromConfiguration;
}
