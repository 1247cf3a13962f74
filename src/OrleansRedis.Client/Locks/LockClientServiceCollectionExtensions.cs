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

    /// <summary>
    /// Adds <see cref="OrleansRedisDistributedLockProvider"/> as DistributedLock.Core's
    /// <see cref="Medallion.Threading.IDistributedLockProvider"/>, replacing any registered one (e.g. DistributedLock.Redis's),
    /// with <see cref="LockClient"/> configured as <see cref="AddOrleansRedisLockClient"/> does.
    /// </summary>
    public static IServiceCollection AddOrleansRedisDistributedLockProvider(
        this IServiceCollection services, IConfiguration? configuration = null, Action<LockClientOptions>? configure = null)
    {
        services.AddOrleansRedisLockClient(configuration, configure);
        services.Replace(ServiceDescriptor.Singleton<Medallion.Threading.IDistributedLockProvider, OrleansRedisDistributedLockProvider>());
        return services;
    }
}
