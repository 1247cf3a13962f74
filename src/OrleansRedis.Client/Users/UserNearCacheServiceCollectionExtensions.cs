using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansRedis.Abstractions.Configuration;

namespace OrleansRedis.Client.Users;

/// <summary>Registers <see cref="UserNearCache"/> in a client app (done by <c>AddOrleansRedisClient</c> as well).</summary>
public static class UserNearCacheServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="UserNearCache"/> (a singleton), configured from <c>OrleansRedis:UserNearCache</c> in
    /// <paramref name="configuration"/> (when given) and then <paramref name="configure"/>, validated on start.
    /// Registering it costs nothing until it is used: reads through <see cref="Abstractions.Users.IUserGrain"/> stay
    /// uncached.
    /// </summary>
    public static IServiceCollection AddOrleansRedisUserNearCache(
        this IServiceCollection services, IConfiguration? configuration = null, Action<UserNearCacheOptions>? configure = null)
    {
        services.AddSettings<UserNearCacheOptions, UserNearCacheOptionsValidator>(configuration, UserNearCacheOptions.SectionName, configure);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<UserNearCache>();
        return services;
    }
}
