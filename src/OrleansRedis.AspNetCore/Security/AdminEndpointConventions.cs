namespace OrleansRedis.AspNetCore.Security;

/// <summary>Marks endpoints as admin-only.</summary>
public static class AdminEndpointConventions
{
    /// <summary>Requires the <c>X-Admin-Key</c> header on <paramref name="builder"/>'s endpoints.</summary>
    public static TBuilder RequireAdminKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, AdminKeyEndpointFilter>();
}
