using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace OrleansRedis.Redis.Health;

/// <summary>Reports whether both Redis roles answer a PING within the command timeout.</summary>
public sealed class RedisHealthCheck(RedisConnections connections) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>();
        try
        {
            data["stateLatencyMs"] = (await connections.State.GetDatabase().PingAsync().ConfigureAwait(false)).TotalMilliseconds;
            if (connections.HasSeparateCache)
            {
                data["cacheLatencyMs"] = (await connections.Cache.GetDatabase().PingAsync().ConfigureAwait(false)).TotalMilliseconds;
            }

            return HealthCheckResult.Healthy("Redis answers.", data);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"Redis is unreachable: {ex.Message}", ex, data);
        }
    }
}
