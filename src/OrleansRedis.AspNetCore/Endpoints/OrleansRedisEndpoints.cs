using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans.Storage;
using OrleansRedis.Abstractions.Configuration;
using OrleansRedis.AspNetCore.Errors;
using OrleansRedis.AspNetCore.Options;
using OrleansRedis.AspNetCore.Security;
using OrleansRedis.Grains;
using OrleansRedis.Grains.RateLimiting;
using OrleansRedis.Grains.Realtime;
using OrleansRedis.Redis.Users;
using OrleansRedis.Redis.Locks;
using OrleansRedis.Redis.Operations;
using OrleansRedis.Redis.Queues;
using OrleansRedis.Redis.Sessions;

namespace OrleansRedis.AspNetCore.Endpoints;

/// <summary>Maps the HTTP API into any ASP.NET Core app that co-hosts an OrleansRedis silo: one line per capability.</summary>
public static class OrleansRedisEndpoints
{
    /// <summary>
    /// Adds what the endpoints need from the host: problem+json for every error answer (<see cref="Problems"/>), the
    /// exception handler, a 400 that names the parameter the framework could not bind, enums as camelCase strings, and
    /// the admin policy (<see cref="OrleansRedisAuthorization"/>) with its <c>X-Admin-Key</c> scheme, whose key is
    /// <see cref="AdminSettings"/> bound from <c>OrleansRedis:Admin</c> of <paramref name="configuration"/> (when given),
    /// then <paramref name="configureAdmin"/>, and validated on start.
    /// </summary>
    public static IServiceCollection AddOrleansRedisEndpoints(
        this IServiceCollection services, IConfiguration? configuration = null, Action<AdminSettings>? configureAdmin = null)
    {
        services.AddOrleansRedisProblems();
        services.AddSettings<AdminSettings, AdminSettingsValidator>(configuration, AdminSettings.SectionName, configureAdmin);
        services.AddOrleansRedisAuthorization();

        // A body or parameter the framework cannot bind reaches the exception handler, whose 400 names it; otherwise
        // the framework answers a bare 400 that names nothing.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));
        return services;
    }

    /// <summary>
    /// Maps the endpoints of every capability the co-hosted silo has (a capability that was not added, e.g. with
    /// <c>AddOrleansRedisLocks</c>, maps nothing) under one group whose <see cref="ProblemEndpointFilter"/> turns
    /// grains' typed failures into the problem vocabulary (<see cref="Problems"/>); a new capability adds its line here.
    /// The group is returned so that a host can add its own conventions (<c>RequireAuthorization</c>, rate limiting).
    /// </summary>
    public static RouteGroupBuilder MapOrleansRedisEndpoints(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        var api = endpoints.MapGroup(prefix).AddEndpointFilter<RouteGroupBuilder, ProblemEndpointFilter>();
        var has = new Capabilities(endpoints.ServiceProvider);
        if (has.KeyedService<IGrainStorage>(StorageNames.Redis))
        {
            api.MapProbeEndpoints();
        }

        if (has.Service<RedisMemoryInspector>())
        {
            api.MapRedisAdminEndpoints();
        }

        if (has.Service<RedisLockStore>())
        {
            api.MapLocksEndpoints();
        }

        if (has.Service<SessionStore>())
        {
            api.MapSessionEndpoints();
        }

        if (has.Service<UserCacheStore>())
        {
            api.MapUsersEndpoints();
        }

        if (has.Service<RateLimitPolicies>())
        {
            api.MapRateLimitingEndpoints();
        }

        if (has.Service<QueueStore>())
        {
            api.MapQueueEndpoints();
        }

        if (has.Service<TopicRelayHub>())
        {
            api.MapTopicsEndpoints();
            api.MapRoomsEndpoints();
            api.MapLivePage();
        }

        return api;
    }

    // Whether a capability's registration ran: its endpoints' services resolve only then.
    private readonly struct Capabilities(IServiceProvider services)
    {
        public bool Service<T>() => services.GetService<IServiceProviderIsService>()?.IsService(typeof(T)) ?? true;

        public bool KeyedService<T>(string key) =>
            services.GetService<IServiceProviderIsKeyedService>()?.IsKeyedService(typeof(T), key) ?? true;
    }
}
