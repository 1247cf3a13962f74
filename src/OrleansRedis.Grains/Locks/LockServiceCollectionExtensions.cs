using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansRedis.Redis.Locks;

namespace OrleansRedis.Grains.Locks;

/// <summary>Registers what the lock grain needs on a silo.</summary>
public static class LockServiceCollectionExtensions
{
    /// <summary>
    /// Adds the lock options (bound from <c>OrleansRedis:Locks</c>, validated on start), the Redis lock store and the
    /// <c>OrleansRedis.Locks</c> meter.
    /// </summary>
    public static IServiceCollection AddOrleansRedisLocks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LockOptions>().Bind(configuration.GetSection(LockOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LockOptions>, LockOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton<RedisLockStore>();
        services.TryAddSingleton<LockMetrics>();
        return services;
    }
}
