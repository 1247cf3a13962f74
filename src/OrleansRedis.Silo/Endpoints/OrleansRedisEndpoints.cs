namespace OrleansRedis.Silo.Endpoints;

/// <summary>Maps the HTTP API: one line per capability, each in its own file.</summary>
public static class OrleansRedisEndpoints
{
    public static IEndpointRouteBuilder MapOrleansRedisApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapProbeEndpoints();
        endpoints.MapRedisAdminEndpoints();
        endpoints.MapLocksEndpoints();
        endpoints.MapSessionEndpoints();
        endpoints.MapUsersEndpoints();
        endpoints.MapRateLimitingEndpoints();
        return endpoints;
    }
}
