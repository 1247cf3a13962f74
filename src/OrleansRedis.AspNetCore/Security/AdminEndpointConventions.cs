namespace OrleansRedis.AspNetCore.Security;

/// <summary>Marks endpoints as admin-only.</summary>
public static class AdminEndpointConventions
{
    /// <summary>
    /// Requires the admin policy (<see cref="OrleansRedisAuthorization.AdminPolicy"/>) on <paramref name="builder"/>'s
    /// endpoints: by default the <c>X-Admin-Key</c> header, or whatever the host's policy of that name requires.
    /// </summary>
    public static TBuilder RequireAdminKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(OrleansRedisAuthorization.AdminPolicy);
}
