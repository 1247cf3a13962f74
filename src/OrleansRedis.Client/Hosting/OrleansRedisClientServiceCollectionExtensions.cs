using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.Configuration;
using OrleansRedis.Client.Filters;
using OrleansRedis.Client.Locks;
using OrleansRedis.Client.Queues;
using OrleansRedis.Client.Users;
using Orleans.Clustering.Redis;
using Orleans.Configuration;
using StackExchange.Redis;

namespace OrleansRedis.Client.Hosting;

/// <summary>Registers an external Orleans client that finds the OrleansRedis cluster through Redis.</summary>
public static class OrleansRedisClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds an Orleans client (<see cref="IClusterClient"/>, <see cref="IGrainFactory"/>, and the
    /// <see cref="LockClient"/> helper configured from <c>OrleansRedis:LockClient</c>, and the
    /// <see cref="UserNearCache"/> configured from <c>OrleansRedis:UserNearCache</c>, and the <see cref="QueueClient"/>) that reads the silos'
    /// gateways from the Redis membership table, configured from the <c>OrleansRedis</c> section of
    /// <paramref name="configuration"/> and then <paramref name="configure"/>.
    /// </summary>
    public static IServiceCollection AddOrleansRedisClient(
        this IServiceCollection services,
        IConfiguration configuration,
        Action<OrleansRedisClientOptions>? configure = null)
    {
        var section = configuration.GetSection("OrleansRedis");
        var optionsBuilder = services.AddOptions<OrleansRedisClientOptions>()
            .Configure(options =>
            {
                // The silo's keys for the three shared settings (strings: nothing to misread), then the client's own.
                options.RedisState = section["Redis:State"] ?? options.RedisState;
                options.ClusterId = section["Cluster:ClusterId"] ?? options.ClusterId;
                options.ServiceId = section["Cluster:ServiceId"] ?? options.ServiceId;
            })
            .BindSettings(configuration, OrleansRedisClientOptions.SectionName)
            .ValidateOnStart();
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        services.AddOrleansRedisLockClient(configuration);
        services.AddOrleansRedisUserNearCache(configuration);
        services.AddOrleansRedisQueueClient();
        return services.AddOrleansRedisClientCore();
    }

    /// <summary>Adds the client configured only by <paramref name="configure"/>.</summary>
    public static IServiceCollection AddOrleansRedisClient(this IServiceCollection services, Action<OrleansRedisClientOptions> configure)
    {
        services.AddOptions<OrleansRedisClientOptions>().Configure(configure).ValidateOnStart();
        services.AddOrleansRedisLockClient();
        services.AddOrleansRedisUserNearCache();
        services.AddOrleansRedisQueueClient();
        return services.AddOrleansRedisClientCore();
    }

    private static IServiceCollection AddOrleansRedisClientCore(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OrleansRedisClientOptions>, OrleansRedisClientOptionsValidator>());
        services.AddOrleansClient(client => client
            .UseRedisClustering(_ => { })
            .AddActivityPropagation()                 // the caller's trace continues in the grain (W3C trace context)
            .AddOutgoingGrainCallFilter<CallDeadlineFilter>());
        services.AddOptions<ClusterOptions>().Configure<IOptions<OrleansRedisClientOptions>>((cluster, options) =>
        {
            cluster.ClusterId = options.Value.ClusterId;
            cluster.ServiceId = options.Value.ServiceId;
        });
        services.AddOptions<ClientMessagingOptions>().Configure<IOptions<OrleansRedisClientOptions>>((messaging, options) =>
            messaging.ResponseTimeout = options.Value.ResponseTimeout);
        services.AddOptions<GatewayOptions>().Configure<IOptions<OrleansRedisClientOptions>>((gateways, options) =>
            gateways.GatewayListRefreshPeriod = options.Value.GatewayListRefreshPeriod);
        services.AddOptions<RedisClusteringOptions>().Configure<IOptions<OrleansRedisClientOptions>>((redis, options) =>
        {
            var parsed = ConfigurationOptions.Parse(options.Value.RedisState);
            parsed.AbortOnConnectFail = false;
            redis.ConfigurationOptions = parsed;
        });
        return services;
    }
}
