using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Persistence;
using Orleans.Storage;
using OrleansRedis.Abstractions.Configuration;
using OrleansRedis.Grains.Filters;
using OrleansRedis.Grains.Locks;
using OrleansRedis.Grains.Queues;
using OrleansRedis.Grains.RateLimiting;
using OrleansRedis.Grains.Realtime;
using OrleansRedis.Grains.Sessions;
using OrleansRedis.Grains.Users;
using OrleansRedis.Redis;
using OrleansRedis.Redis.Caching;
using OrleansRedis.Redis.Hosting;
using OrleansRedis.Redis.Operations;
using StackExchange.Redis;

namespace OrleansRedis.Grains.Hosting;

/// <summary>
/// What every capability shares, and the project's own grain storage: each registration touches only the project's
/// services, grains and storage provider, never the host's defaults.
/// </summary>
public static class OrleansRedisCoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds the shared Redis connections (bound from <c>OrleansRedis:Redis</c> in <paramref name="configuration"/> when
    /// given), <see cref="TimeProvider.System"/> unless one is registered, <see cref="BackendFailureFilter"/>, which
    /// only looks at calls to the project's own grains, and a <see cref="NullTopicPublisher"/> unless real-time is
    /// registered. Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddOrleansRedisCore(this IServiceCollection services, IConfiguration? configuration)
    {
        services.AddOrleansRedisConnections(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IIncomingGrainCallFilter, BackendFailureFilter>());

        // The cluster cache's grains (ICacheEntryGrain, ICacheTagGrain) need nothing else: any capability brings them.
        services.TryAddSingleton<HybridCacheStore>();

        // Capabilities notify users through it; AddOrleansRedisRealtime replaces it with the publishing one.
        services.TryAddSingleton<ITopicPublisher, NullTopicPublisher>();
        return services;
    }

    /// <summary>
    /// Adds every capability (rate limiting, locks, sessions, users, queues, real-time, operations) and the membership timings of
    /// <c>OrleansRedis:Cluster:Membership</c>, all read from <paramref name="configuration"/>: what the appliance
    /// (<see cref="OrleansRedisSiloBuilderExtensions.UseOrleansRedis"/>) registers besides clustering and storage, and
    /// what the silo host validates before it starts.
    /// </summary>
    public static IServiceCollection AddOrleansRedisCapabilities(this IServiceCollection services, IConfiguration configuration) =>
        services
            .AddOrleansRedisLocks(configuration)
            .AddOrleansRedisSessions(configuration)
            .AddOrleansRedisUsers(configuration)
            .AddOrleansRedisRateLimiting(configuration)
            .AddOrleansRedisQueues(configuration)
            .AddOrleansRedisRealtime(configuration)
            .AddRedisOperations(configuration)
            .AddOrleansRedisMembershipSettings(configuration);

    /// <summary>
    /// Adds the Redis grain storage the project's grains persist through, over the shared State multiplexer, with the
    /// System.Text.Json serializer set on this provider only (the host's default serializer stays as it is). The
    /// grains ask for <see cref="StorageNames.Redis"/>; a different <paramref name="name"/> registers the provider under
    /// that name and maps <see cref="StorageNames.Redis"/> to it.
    /// </summary>
    public static IServiceCollection AddOrleansRedisGrainStorage(this IServiceCollection services, string name = StorageNames.Redis)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.AddRedisGrainStorage(name, (OptionsBuilder<RedisStorageOptions> optionsBuilder) => optionsBuilder
            .Configure<RedisConnections, IServiceProvider>((options, connections, provider) =>
            {
                // The validator insists on ConfigurationOptions even when the multiplexer is supplied.
                options.ConfigurationOptions = connections.StateConfiguration;
                options.CreateMultiplexer = _ => SharedState(connections);

                // Chosen for good on day one: System.Text.Json stores plain JSON, where the Newtonsoft default embeds
                // .NET type and assembly names that a rename would orphan. Set here, not as the silo-wide default.
                options.GrainStorageSerializer = ActivatorUtilities.CreateInstance<SystemTextJsonGrainStorageSerializer>(provider);
            }));
        return services.MapOrleansRedisGrainStorage(name);
    }

    /// <summary>
    /// Makes the project's grains (which ask for <see cref="StorageNames.Redis"/>) persist through the storage provider
    /// named <paramref name="name"/>, for a host that brings its own provider. Nothing is mapped when the names match.
    /// </summary>
    public static IServiceCollection MapOrleansRedisGrainStorage(this IServiceCollection services, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!string.Equals(name, StorageNames.Redis, StringComparison.Ordinal))
        {
            services.AddKeyedSingleton<IGrainStorage>(StorageNames.Redis, (provider, _) => provider.GetRequiredKeyedService<IGrainStorage>(name));
        }

        return services;
    }

    /// <summary>
    /// Binds Orleans' <see cref="ClusterMembershipOptions"/> from <c>OrleansRedis:Cluster:Membership</c> (e.g.
    /// <c>ProbeTimeout</c>), unreadable values reported at start like every other setting.
    /// </summary>
    public static IServiceCollection AddOrleansRedisMembershipSettings(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<ClusterMembershipOptions, MembershipSettingsValidator>(configuration, MembershipSettingsValidator.SectionName);
        return services;
    }

    // IsShared: true tells the provider not to dispose a multiplexer that the container owns.
    internal static Task<(IConnectionMultiplexer Multiplexer, bool IsShared)> SharedState(RedisConnections connections) =>
        Task.FromResult((connections.State, true));
}
