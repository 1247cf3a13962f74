using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OrleansRedis.Redis.Operations;

/// <summary>Registers the Redis operations: memory report, big keys, maxmemory, and the start-up warning check.</summary>
public static class OperationsServiceCollectionExtensions
{
    public static IServiceCollection AddRedisOperations(this IServiceCollection services)
    {
        services.TryAddSingleton<RedisAdminConnections>();
        services.TryAddSingleton<RedisMemoryInspector>();
        services.TryAddSingleton<BigKeyScanner>();
        services.TryAddSingleton<MaxMemorySetter>();
        services.AddHostedService<MemoryWarningsAtStartup>();
        return services;
    }
}
