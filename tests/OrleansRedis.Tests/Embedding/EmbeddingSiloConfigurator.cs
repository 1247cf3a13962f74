using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.TestingHost;
using OrleansRedis.Grains.RateLimiting;
using StackExchange.Redis;

namespace OrleansRedis.Tests.Embedding;

/// <summary>
/// A host's silo: its own clustering (the test cluster's), memory storage as the default, the default (Newtonsoft)
/// storage serializer, its own grain, and its own multiplexers (a keyed one for State, a plain one for Cache), into
/// which the project's capabilities are added one by one.
/// </summary>
public sealed class EmbeddingSiloConfigurator : ISiloConfigurator
{
    /// <summary>The configuration key of the private Redis's connection string.</summary>
    public const string RedisKey = "Embedding:Redis";

    /// <summary>The configuration key of the SQLite file of the users capability.</summary>
    public const string DatabaseKey = "Embedding:Database";

    /// <summary>The key of the host's keyed State multiplexer.</summary>
    public const string StateServiceKey = "host-state";

    /// <summary>The client name of the host's State multiplexer, as CLIENT LIST shows it.</summary>
    public const string StateClientName = "embedding-host-state";

    /// <summary>The client name of the host's plain multiplexer, used for the Cache role.</summary>
    public const string CacheClientName = "embedding-host-cache";

    /// <summary>The name the host gives the project's grain storage.</summary>
    public const string StorageName = "embedded-orleansredis";

    /// <summary>The rate-limit policy added in code.</summary>
    public const string Policy = "embed";

    /// <inheritdoc />
    public void Configure(ISiloBuilder siloBuilder)
    {
        var redis = siloBuilder.Configuration[RedisKey]!;
        siloBuilder.AddMemoryGrainStorageAsDefault();
        siloBuilder.Services.AddKeyedSingleton<IConnectionMultiplexer>(StateServiceKey, (_, _) => ConnectionMultiplexer.Connect($"{redis},name={StateClientName}"));
        siloBuilder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect($"{redis},name={CacheClientName}"));

        siloBuilder
            .ConfigureOrleansRedisConnections(options =>
            {
                options.StateServiceKey = StateServiceKey;
                options.CacheMultiplexer = services => services.GetRequiredService<IConnectionMultiplexer>();
            })
            .AddOrleansRedisRateLimiting(options =>
                options.Policies[Policy] = new RateLimitPolicyOptions { Limit = 2, Window = TimeSpan.FromMinutes(10) })
            .AddOrleansRedisLocks()
            .AddOrleansRedisSessions()
            .AddOrleansRedisUsers(configureDatabase: options => options.ConnectionString = $"Data Source={siloBuilder.Configuration[DatabaseKey]}")
            .AddOrleansRedisOperations()
            .AddOrleansRedisGrainStorage(StorageName);
    }
}
