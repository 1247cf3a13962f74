using OrleansRedis.Grains;
using OrleansRedis.Grains.Hosting;
using OrleansRedis.Abstractions.Queues;
using OrleansRedis.Grains.Locks;
using OrleansRedis.Grains.Queues;
using OrleansRedis.Grains.RateLimiting;
using OrleansRedis.Grains.Realtime;
using OrleansRedis.Grains.Sessions;
using OrleansRedis.Grains.Users;
using OrleansRedis.Redis;
using OrleansRedis.Redis.Hosting;
using OrleansRedis.Redis.Operations;

// Next to Orleans' own provider extensions (UseRedisClustering, UseLocalhostClustering): found without a using.
namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Adds one OrleansRedis capability to a silo of your own. Each reads its settings from <c>OrleansRedis:*</c> in the
/// silo's configuration, then applies the optional delegate, and validates them at start. None of them touches the
/// silo's clustering, default grain storage, default storage serializer or other grains: they add the capability's
/// services and options, the shared Redis connections and a failure filter that looks only at the project's grains.
/// </summary>
public static class OrleansRedisCapabilitySiloBuilderExtensions
{
    /// <summary>Adds rate limiting (<c>IRateLimitGrain</c>; policies from <c>OrleansRedis:RateLimits</c>).</summary>
    public static ISiloBuilder AddOrleansRedisRateLimiting(this ISiloBuilder silo, Action<RateLimitingOptions>? configure = null)
    {
        silo.Services.AddOrleansRedisRateLimiting(silo.Configuration, configure);
        return silo;
    }

    /// <summary>Adds distributed locks (<c>ILockGrain</c>; limits from <c>OrleansRedis:Locks</c>).</summary>
    public static ISiloBuilder AddOrleansRedisLocks(this ISiloBuilder silo, Action<LockOptions>? configure = null)
    {
        silo.Services.AddOrleansRedisLocks(silo.Configuration, configure);
        return silo;
    }

    /// <summary>
    /// Adds job queues (<c>IQueueGrain</c>, <c>IQueuePartitionGrain</c>, <c>IQueueScheduleGrain</c>; definitions from
    /// <c>OrleansRedis:Queues</c>) and the keeper that keeps their partitions active.
    /// </summary>
    public static ISiloBuilder AddOrleansRedisQueues(this ISiloBuilder silo, Action<QueueOptions>? configure = null)
    {
        silo.Services.AddOrleansRedisQueues(silo.Configuration, configure);
        return silo;
    }

    /// <summary>
    /// Runs the jobs of <paramref name="queue"/> in this silo with <typeparamref name="THandler"/> (an
    /// <see cref="IQueueJobHandler"/> resolved from DI per job); see
    /// <see cref="QueueServiceCollectionExtensions.AddOrleansRedisQueueHandler{THandler}"/>.
    /// </summary>
    public static ISiloBuilder AddOrleansRedisQueueHandler<THandler>(this ISiloBuilder silo, string queue)
        where THandler : class, IQueueJobHandler
    {
        silo.Services.AddOrleansRedisQueues(silo.Configuration).AddOrleansRedisQueueHandler<THandler>(queue);
        return silo;
    }

    /// <summary>Adds sessions (<c>ISessionGrain</c>, <c>IUserSessionsGrain</c>; timeouts from <c>OrleansRedis:Sessions</c>).</summary>
    public static ISiloBuilder AddOrleansRedisSessions(this ISiloBuilder silo, Action<SessionStoreOptions>? configure = null)
    {
        silo.Services.AddOrleansRedisSessions(silo.Configuration, configure);
        return silo;
    }

    /// <summary>
    /// Adds cached users (<c>IUserGrain</c>; cache from <c>OrleansRedis:Users</c>, database of record from
    /// <c>OrleansRedis:Database</c>).
    /// </summary>
    public static ISiloBuilder AddOrleansRedisUsers(
        this ISiloBuilder silo, Action<UsersOptions>? configure = null, Action<DatabaseOptions>? configureDatabase = null)
    {
        silo.Services.AddOrleansRedisUsers(silo.Configuration, configure, configureDatabase);
        return silo;
    }

    /// <summary>
    /// Adds real-time topics, presence and per-user notifications (<c>ITopicGrain</c>, <c>IPresenceGrain</c>, this
    /// silo's topic relays for SSE subscribers; retention and limits from <c>OrleansRedis:Realtime</c>). The other
    /// capabilities then publish their users' events on <c>user:{id}</c>.
    /// </summary>
    public static ISiloBuilder AddOrleansRedisRealtime(this ISiloBuilder silo, Action<RealtimeOptions>? configure = null)
    {
        silo.Services.AddOrleansRedisRealtime(silo.Configuration, configure);
        return silo;
    }

    /// <summary>Adds the Redis operations (memory report, big keys, maxmemory, start-up memory warnings).</summary>
    public static ISiloBuilder AddOrleansRedisOperations(this ISiloBuilder silo, Action<RedisOptions>? configure = null)
    {
        silo.Services.AddRedisOperations(silo.Configuration, configure);
        return silo;
    }

    /// <summary>
    /// Configures the Redis connections every capability shares (<c>OrleansRedis:Redis</c>), e.g. to hand in the host's
    /// multiplexer: <c>o =&gt; o.StateServiceKey = "state"</c> or
    /// <c>o =&gt; o.StateMultiplexer = sp =&gt; sp.GetRequiredService&lt;IConnectionMultiplexer&gt;()</c>.
    /// </summary>
    public static ISiloBuilder ConfigureOrleansRedisConnections(this ISiloBuilder silo, Action<RedisOptions> configure)
    {
        silo.Services.AddOrleansRedisConnections(silo.Configuration, configure);
        return silo;
    }

    /// <summary>
    /// Adds the Redis grain storage the project's state-keeping grains persist through (System.Text.Json on this
    /// provider only), named <paramref name="name"/>; see
    /// <see cref="OrleansRedisCoreServiceCollectionExtensions.AddOrleansRedisGrainStorage"/>.
    /// </summary>
    public static ISiloBuilder AddOrleansRedisGrainStorage(this ISiloBuilder silo, string name = StorageNames.Redis)
    {
        silo.Services.AddOrleansRedisCore(silo.Configuration).AddOrleansRedisGrainStorage(name);
        return silo;
    }
}
