using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Clustering.Redis;
using Orleans.Configuration;
using Orleans.Persistence;
using OrleansRedis.Grains.Filters;
using OrleansRedis.Grains.Locks;
using OrleansRedis.Grains.Sessions;
using OrleansRedis.Grains.Users;
using OrleansRedis.Grains.RateLimiting;
using OrleansRedis.Redis;
using OrleansRedis.Redis.Hosting;
using StackExchange.Redis;

namespace OrleansRedis.Grains.Hosting;

/// <summary>Wires a silo to Redis: membership and grain storage over the process's one State multiplexer.</summary>
public static class OrleansRedisSiloBuilderExtensions
{
    /// <summary>
    /// Uses Redis clustering and Redis grain storage (System.Text.Json payloads), both over the shared
    /// <see cref="RedisConnections.State"/> multiplexer, with settings read from <c>OrleansRedis:Redis</c>.
    /// </summary>
    public static ISiloBuilder UseOrleansRedis(this ISiloBuilder silo)
    {
        silo.Services.AddOrleansRedisConnections(silo.Configuration);
        silo.Services.AddSingleton(TimeProvider.System);
        silo.AddIncomingGrainCallFilter<BackendFailureFilter>();
        silo.Services.AddOrleansRedisLocks(silo.Configuration);
        silo.Services.AddOrleansRedisSessions(silo.Configuration);
        silo.Services.AddOrleansRedisUsers(silo.Configuration);
        silo.Services.AddOrleansRedisRateLimiting(silo.Configuration);

        // Chosen for good on day one: System.Text.Json stores plain JSON, where the Newtonsoft default embeds .NET
        // type and assembly names that a rename would orphan.
        silo.UseSystemTextJsonGrainStorageSerializer();

        // Operators (and tests) tune failure detection here, e.g. OrleansRedis:Cluster:Membership:ProbeTimeout.
        silo.Services.AddOptions<ClusterMembershipOptions>()
            .Bind(silo.Configuration.GetSection("OrleansRedis:Cluster:Membership"));

        silo.UseRedisClustering(_ => { });
        silo.Services.AddOptions<RedisClusteringOptions>()
            .Configure<RedisConnections>((options, connections) =>
            {
                // The validator insists on ConfigurationOptions even when the multiplexer is supplied.
                options.ConfigurationOptions = connections.StateConfiguration;
                options.CreateMultiplexer = _ => SharedState(connections);
            });

        silo.AddRedisGrainStorage(StorageNames.Redis, optionsBuilder => optionsBuilder
            .Configure<RedisConnections>((options, connections) =>
            {
                options.ConfigurationOptions = connections.StateConfiguration;
                options.CreateMultiplexer = _ => SharedState(connections);
            }));
        return silo;
    }

    // IsShared: true tells the provider not to dispose a multiplexer that the container owns.
    private static Task<(IConnectionMultiplexer Multiplexer, bool IsShared)> SharedState(RedisConnections connections) =>
        Task.FromResult((connections.State, true));
}
