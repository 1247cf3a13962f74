using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansRedis.AspNetCore.Errors;

namespace OrleansRedis.AspNetCore.Endpoints;

/// <summary>Maps the HTTP API into any ASP.NET Core app that co-hosts an OrleansRedis silo: one line per capability.</summary>
public static class OrleansRedisEndpoints
{
    /// <summary>
    /// Adds what the endpoints need from the host: problem+json for every error answer (<see cref="Problems"/>), the
    /// exception handler, a 400 that names the parameter the framework could not bind, and enums as camelCase strings.
    /// </summary>
    public static IServiceCollection AddOrleansRedisEndpoints(this IServiceCollection services)
    {
        services.AddOrleansRedisProblems();

        // A body or parameter the framework cannot bind reaches the exception handler, whose 400 names it; otherwise
        // the framework answers a bare 400 that names nothing.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));
        return services;
    }

    /// <summary>
    /// Maps every capability's endpoints under one group whose <see cref="ProblemEndpointFilter"/> turns grains' typed
    /// failures into the problem vocabulary (<see cref="Problems"/>); a new capability adds its line here. The group is
    /// returned so that a host can add its own conventions (<c>RequireAuthorization</c>, rate limiting, a prefix).
    /// </summary>
    public static RouteGroupBuilder MapOrleansRedisEndpoints(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        var api = endpoints.MapGroup(prefix).AddEndpointFilter<RouteGroupBuilder, ProblemEndpointFilter>();
        api.MapProbeEndpoints();
        api.MapRedisAdminEndpoints();
        api.MapLocksEndpoints();
        api.MapSessionEndpoints();
        api.MapUsersEndpoints();
        api.MapRateLimitingEndpoints();
        api.MapQueueEndpoints();
        api.MapTopicsEndpoints();
        api.MapRoomsEndpoints();
        api.MapLivePage();
        return api;
    }
}
