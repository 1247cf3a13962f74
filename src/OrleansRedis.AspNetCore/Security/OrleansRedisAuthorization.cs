using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace OrleansRedis.AspNetCore.Security;

/// <summary>
/// The authorization of the admin endpoints: a named policy (<see cref="AdminPolicy"/>) whose default authenticates
/// with the <c>X-Admin-Key</c> scheme (<see cref="AdminKeyScheme"/>). A host plugs in its own (JWT, OIDC, a role) by
/// adding a policy of the same name, before or after <c>AddOrleansRedisEndpoints</c>:
/// <c>services.AddAuthorization(o =&gt; o.AddPolicy(OrleansRedisAuthorization.AdminPolicy, p =&gt; p.RequireRole("ops")))</c>.
/// </summary>
public static class OrleansRedisAuthorization
{
    /// <summary>The name of the policy every admin endpoint requires.</summary>
    public const string AdminPolicy = "OrleansRedisAdmin";

    /// <summary>The name of the <c>X-Admin-Key</c> authentication scheme.</summary>
    public const string AdminKeyScheme = "OrleansRedisAdminKey";

    /// <summary>
    /// Registers the <c>X-Admin-Key</c> scheme and the admin policy, unless the host has registered a policy of that
    /// name already (or does so later: the host's wins either way). Calling it again changes nothing.
    /// </summary>
    public static IServiceCollection AddOrleansRedisAuthorization(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(AdminKeyAuthenticationHandler)))
        {
            return services;
        }

        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, AdminKeyAuthenticationHandler>(AdminKeyScheme, "X-Admin-Key", configureOptions: null);
        services.AddAuthorization();

        // Configure delegates run in registration order: a host policy registered before this one is kept, and one
        // registered after replaces this one.
        services.Configure<AuthorizationOptions>(options =>
        {
            if (options.GetPolicy(AdminPolicy) is null)
            {
                options.AddPolicy(AdminPolicy, policy => policy.AddAuthenticationSchemes(AdminKeyScheme).RequireAuthenticatedUser());
            }
        });
        return services;
    }
}
