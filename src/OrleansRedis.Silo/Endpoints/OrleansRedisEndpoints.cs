using OrleansRedis.Silo.Errors;

namespace OrleansRedis.Silo.Endpoints;

/// <summary>Maps the HTTP API: one line per capability, each in its own file.</summary>
public static class OrleansRedisEndpoints
{
    /// <summary>
    /// Maps every capability's endpoints under one group whose <see cref="ProblemEndpointFilter"/> turns grains' typed
    /// failures into the problem vocabulary (<see cref="Problems"/>); a new capability adds its line here.
    /// </summary>
    public static IEndpointRouteBuilder MapOrleansRedisApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(string.Empty).AddEndpointFilter<RouteGroupBuilder, ProblemEndpointFilter>();
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
        return endpoints;
    }
}
