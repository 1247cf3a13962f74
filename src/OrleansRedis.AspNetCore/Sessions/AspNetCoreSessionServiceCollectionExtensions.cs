using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Session;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansRedis.Abstractions.Configuration;
using OrleansRedis.AspNetCore.Tickets;

namespace OrleansRedis.AspNetCore.Sessions;

/// <summary>Registers the ASP.NET Core adapters over the session grains; they call grains through the registered <see cref="IGrainFactory"/>.</summary>
public static class AspNetCoreSessionServiceCollectionExtensions
{
    /// <summary>
    /// Keeps the tickets of the cookie scheme <paramref name="authenticationScheme"/> in OrleansRedis sessions
    /// (<see cref="OrleansRedisTicketStore"/> as its <see cref="CookieAuthenticationOptions.SessionStore"/>); settings
    /// from <c>OrleansRedis:AspNetCoreSessions</c> in <paramref name="configuration"/> (when given), then <paramref name="configure"/>.
    /// </summary>
    public static IServiceCollection AddOrleansRedisTicketStore(
        this IServiceCollection services,
        string authenticationScheme = CookieAuthenticationDefaults.AuthenticationScheme,
        IConfiguration? configuration = null,
        Action<AspNetCoreSessionOptions>? configure = null)
    {
        services.AddSettings<AspNetCoreSessionOptions, AspNetCoreSessionOptionsValidator>(configuration, AspNetCoreSessionOptions.SectionName, configure);
        services.TryAddSingleton<OrleansRedisTicketStore>();
        services.AddOptions<CookieAuthenticationOptions>(authenticationScheme)
            .Configure<OrleansRedisTicketStore>((cookie, store) => cookie.SessionStore = store);
        return services;
    }

    /// <summary>
    /// Makes <c>HttpContext.Session</c> an OrleansRedis session (<see cref="OrleansRedisSessionStore"/> as the session
    /// middleware's <see cref="ISessionStore"/>), whether called before or after <c>AddSession</c>; settings as for
    /// <see cref="AddOrleansRedisTicketStore"/>.
    /// </summary>
    public static IServiceCollection AddOrleansRedisSessionStore(
        this IServiceCollection services, IConfiguration? configuration = null, Action<AspNetCoreSessionOptions>? configure = null)
    {
        services.AddSettings<AspNetCoreSessionOptions, AspNetCoreSessionOptionsValidator>(configuration, AspNetCoreSessionOptions.SectionName, configure);
        services.Replace(ServiceDescriptor.Singleton<ISessionStore, OrleansRedisSessionStore>());
        return services;
    }
}
