using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansRedis.Redis.Hosting;

namespace OrleansRedis.Redis.Operations;

/// <summary>Registers the Redis operations: memory report, big keys, maxmemory, and the start-up warning check.</summary>
public static class OperationsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the memory inspector, the big-key scanner, the maxmemory setter (over their own admin-enabled connections)
    /// and the start-up memory warnings, on the shared Redis connections (bound from <c>OrleansRedis:Redis</c> in
    /// <paramref name="configuration"/> when given, then <paramref name="configure"/>).
    /// </summary>
    public static IServiceCollection AddRedisOperations(
        this IServiceCollection services, IConfiguration? configuration = null, Action<RedisOptions>? configure = null)
    {
        services.AddOrleansRedisConnections(configuration, configure);
        services.TryAddSingleton<RedisAdminConnections>();
        services.TryAddSingleton<RedisMemoryInspector>();
        services.TryAddSingleton<BigKeyScanner>();
        services.TryAddSingleton<MaxMemorySetter>();
        services.AddHostedService<MemoryWarningsAtStartup>();
        return services;
    }
}
