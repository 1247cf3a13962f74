using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansRedis.Abstractions.Configuration;
using Microsoft.Extensions.Options;
using OrleansRedis.Grains.Hosting;
using OrleansRedis.Redis;
using OrleansRedis.Redis.Locks;

namespace OrleansRedis.Grains.Locks;

/// <summary>Registers what the lock grain needs on a silo.</summary>
public static class LockServiceCollectionExtensions
{
    /// <summary>
    /// Adds the lock options (bound from <c>OrleansRedis:Locks</c> in <paramref name="configuration"/> when given, then
    /// <paramref name="configure"/>; validated on start), the Redis lock store, the <c>OrleansRedis.Locks</c> meter, and
    /// what every capability shares (<see cref="OrleansRedisCoreServiceCollectionExtensions.AddOrleansRedisCore"/>).
    /// </summary>
    public static IServiceCollection AddOrleansRedisLocks(
        this IServiceCollection services, IConfiguration? configuration, Action<LockOptions>? configure = null)
    {
        services.AddOrleansRedisCore(configuration);
        services.AddSettings<LockOptions, LockOptionsValidator>(configuration, LockOptions.SectionName, configure);
        services.AddMetrics();
        services.TryAddSingleton(sp => new RedisLockStore(sp.GetRequiredService<RedisConnections>(), sp.GetRequiredService<RedisKeys>())
        {
            ReplicaWait = sp.GetRequiredService<IOptions<LockOptions>>().Value.ReplicaWait,
        });
        services.TryAddSingleton<LockMetrics>();
        return services;
    }
}
