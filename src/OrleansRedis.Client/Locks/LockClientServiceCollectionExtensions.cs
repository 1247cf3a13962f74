using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansRedis.Abstractions.Configuration;

namespace OrleansRedis.Client.Locks;

/// <summary>Registers <see cref="LockClient"/> in a client app (next to <c>AddOrleansRedisClient</c>).</summary>
public static class LockClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="LockClient"/>, configured from <c>OrleansRedis:LockClient</c> in <paramref name="configuration"/>
    /// (when given) and then <paramref name="configure"/>, validated on start.
    /// </summary>
    public static IServiceCollection AddOrleansRedisLockClient(
        this IServiceCollection services, IConfiguration? configuration = null, Action<LockClientOptions>? configure = null)
    {
        services.AddSettings<LockClientOptions, LockClientOptionsValidator>(configuration, LockClientOptions.SectionName, configure);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LockClient>();
        return services;
    }
}
