using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.Configuration;
using OrleansRedis.Grains.Hosting;
using OrleansRedis.Redis.Users;

namespace OrleansRedis.Grains.Users;

/// <summary>Registers the users capability: the database of record, the Cache-Redis store and the metrics.</summary>
public static class UsersServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IUserRepository"/> (SQLite or PostgreSQL per <c>OrleansRedis:Database</c>, metered), the
    /// Cache-Redis store, <see cref="UsersMetrics"/>, the schema initializer and what every capability shares; options
    /// bound from <paramref name="configuration"/> when given, then <paramref name="configure"/> and
    /// <paramref name="configureDatabase"/>, validated on start.
    /// </summary>
    public static IServiceCollection AddOrleansRedisUsers(
        this IServiceCollection services,
        IConfiguration? configuration,
        Action<UsersOptions>? configure = null,
        Action<DatabaseOptions>? configureDatabase = null)
    {
        services.AddOrleansRedisCore(configuration);
        services.AddSettings<DatabaseOptions, DatabaseOptionsValidator>(configuration, DatabaseOptions.SectionName, configureDatabase);
        services.AddSettings<UsersOptions, UsersOptionsValidator>(configuration, UsersOptions.SectionName, configure);
        services.AddMetrics();
        services.TryAddSingleton<UsersMetrics>();
        services.TryAddSingleton<UserCacheStore>();
        services.TryAddSingleton<IUserRepository>(sp => new MeteredUserRepository(
            CreateDatabaseRepository(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value),
            sp.GetRequiredService<UsersMetrics>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILifecycleParticipant<ISiloLifecycle>, UserSchemaInitializer>());
        return services;
    }

    /// <summary>Creates the provider's repository (unmetered) for <paramref name="options"/>.</summary>
    public static AdoUserRepository CreateDatabaseRepository(DatabaseOptions options) => options.Provider switch
    {
        DatabaseProvider.Sqlite => new SqliteUserRepository(options.EffectiveConnectionString, options.OperationTimeout),
        DatabaseProvider.Postgres => new PostgresUserRepository(options.EffectiveConnectionString, options.OperationTimeout),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Provider, "Unknown database provider."),
    };
}
