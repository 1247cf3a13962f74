using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansRedis.Redis.Sessions;

namespace OrleansRedis.Grains.Sessions;

/// <summary>Registers the session store.</summary>
public static class SessionServiceCollectionExtensions
{
    /// <summary>
    /// Registers the session store's Redis access, metrics and <see cref="SessionStoreOptions"/> (bound from
    /// <c>OrleansRedis:Sessions</c>, validated on start).
    /// </summary>
    public static IServiceCollection AddOrleansRedisSessions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SessionStoreOptions>().Bind(configuration.GetSection(SessionStoreOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SessionStoreOptions>, SessionStoreOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton<SessionMetrics>();
        services.TryAddSingleton<SessionStore>();
        services.TryAddSingleton<SessionIndex>();
        return services;
    }
}
