using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansRedis.Abstractions.Configuration;
using Microsoft.Extensions.Options;
using OrleansRedis.Grains.Hosting;
using OrleansRedis.Redis;
using OrleansRedis.Redis.Sessions;

namespace OrleansRedis.Grains.Sessions;

/// <summary>Registers the session store.</summary>
public static class SessionServiceCollectionExtensions
{
    /// <summary>
    /// Registers the session store's Redis access, metrics and <see cref="SessionStoreOptions"/> (bound from
    /// <c>OrleansRedis:Sessions</c> in <paramref name="configuration"/> when given, then <paramref name="configure"/>;
    /// validated on start), and what every capability shares.
    /// </summary>
    public static IServiceCollection AddOrleansRedisSessions(
        this IServiceCollection services, IConfiguration? configuration, Action<SessionStoreOptions>? configure = null)
    {
        services.AddOrleansRedisCore(configuration);
        services.AddSettings<SessionStoreOptions, SessionStoreOptionsValidator>(configuration, SessionStoreOptions.SectionName, configure);
        services.AddMetrics();
        services.TryAddSingleton<SessionMetrics>();
        services.TryAddSingleton(sp => new SessionStore(sp.GetRequiredService<RedisConnections>(), sp.GetRequiredService<RedisKeys>())
        {
            ReplicaWait = sp.GetRequiredService<IOptions<SessionStoreOptions>>().Value.ReplicaWait,
        });
        services.TryAddSingleton(sp => new SessionIndex(sp.GetRequiredService<RedisConnections>(), sp.GetRequiredService<RedisKeys>())
        {
            ReplicaWait = sp.GetRequiredService<IOptions<SessionStoreOptions>>().Value.ReplicaWait,
        });
        return services;
    }
}
