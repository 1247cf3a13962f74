using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansRedis.Redis.Users;

namespace OrleansRedis.Grains.Users;

/// <summary>Registers the users capability: the database of record, the Cache-Redis store and the metrics.</summary>
public static class UsersServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IUserRepository"/> (SQLite or PostgreSQL per <c>OrleansRedis:Database</c>, metered), the
    /// Cache-Redis store, <see cref="UsersMetrics"/> and the schema initializer; options bound from
    /// <paramref name="configuration"/> and validated on start.
    /// </summary>
    public static IServiceCollection AddOrleansRedisUsers(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>()
            .Configure(options => Bind(configuration.GetSection(DatabaseOptions.SectionName), options, error => options.BindError = error))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>());
        services.AddOptions<UsersOptions>()
            .Configure(options => Bind(configuration.GetSection(UsersOptions.SectionName), options, error => options.BindError = error))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<UsersOptions>, UsersOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton<UsersMetrics>();
        services.TryAddSingleton<UserCacheStore>();
        services.TryAddSingleton<IUserRepository>(sp => new MeteredUserRepository(
            CreateDatabaseRepository(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value),
            sp.GetRequiredService<UsersMetrics>()));
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, UserSchemaInitializer>();
        return services;
    }

    // A value of the wrong type ('Provider=Oracle', 'CacheTtl=soon') makes the binder throw; kept for the validator, it
    // stops the host like every other bad setting (exit code 2, the setting named) instead of crashing it.
    private static void Bind(IConfiguration section, object options, Action<string> onError)
    {
        try
        {
            section.Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            onError(ex.Message);
        }
    }

    /// <summary>Creates the provider's repository (unmetered) for <paramref name="options"/>.</summary>
    public static AdoUserRepository CreateDatabaseRepository(DatabaseOptions options) => options.Provider switch
    {
        DatabaseProvider.Sqlite => new SqliteUserRepository(options.EffectiveConnectionString, options.OperationTimeout),
        DatabaseProvider.Postgres => new PostgresUserRepository(options.EffectiveConnectionString, options.OperationTimeout),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Provider, "Unknown database provider."),
    };
}
