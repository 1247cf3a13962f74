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
        if (!services.Any(d => d.ServiceType == typeof(OrleansServiceKeyFallback)))
        {
            // After every Configure: only a State role nobody configured falls back to Aspire's multiplexer.
            services.AddSingleton<OrleansServiceKeyFallback>();
            services.AddOptions<RedisOptions>().PostConfigure<IServiceProvider>((options, provider) =>
            {
                if (!options.HostSuppliesState && string.IsNullOrWhiteSpace(options.State)
                    && OrleansServiceKey(configuration ?? provider.GetService<IConfiguration>()) is { } key)
                {
                    options.StateServiceKey = key;
                }
            });
        }

        services.TryAddSingleton<RedisConnections>();
        services.TryAddSingleton<RedisKeys>();
        return services;
    }

    /// <summary>
    /// Gets the key of the keyed <c>IConnectionMultiplexer</c> that Orleans' own configuration names for Redis, as
    /// Aspire's Orleans integration writes it: <c>Orleans:Clustering</c> with <c>ProviderType</c> <c>Redis</c> and a
    /// <c>ServiceKey</c>, else the first such <c>Orleans:GrainStorage:{name}</c>; <see langword="null"/> when none does.
    /// The State role uses it when neither <c>OrleansRedis:Redis:State</c> nor a host multiplexer is configured.
    /// </summary>
    public static string? OrleansServiceKey(IConfiguration? configuration)
    {
        if (configuration is null)
        {
            return null;
        }

        var orleans = configuration.GetSection("Orleans");
        return RedisServiceKey(orleans.GetSection("Clustering"))
            ?? orleans.GetSection("GrainStorage").GetChildren().Select(RedisServiceKey).FirstOrDefault(key => key is not null);
    }

    private static string? RedisServiceKey(IConfigurationSection provider) =>
        string.Equals(provider["ProviderType"], "Redis", StringComparison.OrdinalIgnoreCase) && provider["ServiceKey"] is { Length: > 0 } key
            ? key
            : null;

    // Marks the fallback as registered, so that a second call does not add it again.
    private sealed class OrleansServiceKeyFallback;
}
