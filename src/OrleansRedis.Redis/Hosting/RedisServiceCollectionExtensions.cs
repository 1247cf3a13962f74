using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansRedis.Abstractions.Configuration;

namespace OrleansRedis.Redis.Hosting;

/// <summary>Registers the shared Redis connections.</summary>
public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="RedisConnections"/> (one multiplexer per role for the whole process, or the host's own:
    /// see <see cref="RedisOptions.StateServiceKey"/> and <see cref="RedisOptions.StateMultiplexer"/>), bound from
    /// <c>OrleansRedis:Redis</c> in <paramref name="configuration"/> when given, then <paramref name="configure"/>, and
    /// validated on start. Calling it again only adds <paramref name="configure"/> (the section is bound once, first).
    /// </summary>
    public static IServiceCollection AddOrleansRedisConnections(
        this IServiceCollection services, IConfiguration? configuration, Action<RedisOptions>? configure = null)
    {
        services.AddSettings<RedisOptions, RedisOptionsValidator>(configuration, RedisOptions.SectionName, configure);
        services.TryAddSingleton<RedisConnections>();
        services.TryAddSingleton<RedisKeys>();
        return services;
    }
}
