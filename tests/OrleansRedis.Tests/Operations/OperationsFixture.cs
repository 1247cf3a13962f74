using OrleansRedis.Testing;

namespace OrleansRedis.Tests.Operations;

/// <summary>A State Redis, a separate Cache Redis (allkeys-lru) and one silo process with an admin key.</summary>
public sealed class OperationsFixture : IAsyncLifetime
{
    /// <summary>Gets the admin key the silo was started with.</summary>
    public string AdminKey { get; } = $"ops-admin-{Guid.NewGuid():N}";

    /// <summary>Gets the State Redis.</summary>
    public RedisServer State { get; private set; } = null!;

    /// <summary>Gets the Cache Redis.</summary>
    public RedisServer Cache { get; private set; } = null!;

    /// <summary>Gets the silo.</summary>
    public SiloProcess Silo { get; private set; } = null!;

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        State = await RedisServer.StartAsync();
        Cache = await RedisServer.StartAsync("--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru", "--appendonly", "no");
        Silo = SiloProcess.Start(State.ConnectionString, $"ops-{Guid.NewGuid():N}", $"ops-{Guid.NewGuid():N}", new Dictionary<string, string>
        {
            ["OrleansRedis__Redis__Cache"] = Cache.ConnectionString,
            ["OrleansRedis__Admin__ApiKey"] = AdminKey,
        });
        await Silo.WaitReadyAsync();
        Silo.Http.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }

        foreach (var redis in new[] { State, Cache })
        {
            if (redis is not null)
            {
                await redis.DisposeAsync();
            }
        }
    }
}
