using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansRedis.Abstractions.Configuration;

namespace OrleansRedis.Client.Caching;

/// <summary>Registers <see cref="OrleansRedisHybridCache"/> as the app's <see cref="HybridCache"/>.</summary>
public static class HybridCacheServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="OrleansRedisHybridCache"/> as <see cref="HybridCache"/> (replacing any registered one), configured
    /// from <c>OrleansRedis:HybridCache</c> in <paramref name="configuration"/> (when given; <c>Redis</c> defaults to
    /// <c>OrleansRedis:Redis:State</c>) and then <paramref name="configure"/>, validated on start. It calls grains
    /// through the registered <see cref="IGrainFactory"/>: an Orleans client (<c>AddOrleansRedisClient</c>) or the
    /// silo of the same app. Custom types are serialized by a registered <see cref="IHybridCacheSerializer{T}"/> or
    /// <see cref="IHybridCacheSerializerFactory"/>, else as JSON.
    /// </summary>
    public static IServiceCollection AddOrleansRedisHybridCache(
        this IServiceCollection services, IConfiguration? configuration = null, Action<OrleansRedisHybridCacheOptions>? configure = null)
    {
        services.AddSettings<OrleansRedisHybridCacheOptions, OrleansRedisHybridCacheOptionsValidator>(
            configuration, OrleansRedisHybridCacheOptions.SectionName, options =>
            {
                options.Redis ??= configuration?["OrleansRedis:Redis:State"];
                configure?.Invoke(options);
            });
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OrleansRedisHybridCache>();
        services.Replace(ServiceDescriptor.Singleton<HybridCache>(sp => sp.GetRequiredService<OrleansRedisHybridCache>()));
        return services;
    }
}
