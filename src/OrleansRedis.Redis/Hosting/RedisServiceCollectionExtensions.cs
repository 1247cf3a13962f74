using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace OrleansRedis.Redis.Hosting;

/// <summary>Registers the shared Redis connections.</summary>
public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="RedisConnections"/> (one multiplexer per role for the whole process), bound from
    /// <c>OrleansRedis:Redis</c> in <paramref name="configuration"/> and validated on start.
    /// </summary>
    public static IServiceCollection AddOrleansRedisConnections(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RedisOptions>().Bind(configuration.GetSection(RedisOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisOptions>, RedisOptionsValidator>());
        services.TryAddSingleton<RedisConnections>();
        services.TryAddSingleton<RedisKeys>();
        return services;
    }
}
