using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Clustering.Redis;
using OrleansRedis.Redis;

namespace OrleansRedis.Grains.Hosting;

/// <summary>The appliance: a silo that is nothing but OrleansRedis, clustered and persisted through Redis.</summary>
public static class OrleansRedisSiloBuilderExtensions
{
    /// <summary>
    /// Adds every capability (rate limiting, locks, sessions, users, queues, real-time, operations), the project's Redis grain storage
    /// (System.Text.Json payloads) and Redis clustering, all over the shared <see cref="RedisConnections.State"/>
    /// multiplexer, with settings read from <c>OrleansRedis:*</c>. To host the grains in a silo of your own (your
    /// clustering, your default storage and serializer, your grains), call the capabilities' own extensions
    /// (<c>AddOrleansRedisLocks</c> and the others) instead.
    /// </summary>
    public static ISiloBuilder UseOrleansRedis(this ISiloBuilder silo)
    {
        silo.Services.AddSingleton(TimeProvider.System);

        // Operators (and tests) tune failure detection in OrleansRedis:Cluster:Membership, e.g. ProbeTimeout.
        silo.Services.AddOrleansRedisCapabilities(silo.Configuration).AddOrleansRedisGrainStorage();

        silo.UseRedisClustering(_ => { });
        silo.Services.AddOptions<RedisClusteringOptions>()
            .Configure<RedisConnections>((options, connections) =>
            {
                // The validator insists on ConfigurationOptions even when the multiplexer is supplied.
                options.ConfigurationOptions = connections.StateConfiguration;
                options.CreateMultiplexer = _ => OrleansRedisCoreServiceCollectionExtensions.SharedState(connections);
            });
        return silo;
    }
}
