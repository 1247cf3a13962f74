using StackExchange.Redis;

namespace OrleansRedis.Redis.Operations;

/// <summary>
/// Admin-enabled connections (INFO, CONFIG, MEMORY) for the operations endpoints, created on first use. Kept apart from
/// the shared multiplexers so the connections grains use can never run CONFIG or FLUSHALL by mistake.
/// </summary>
public sealed class RedisAdminConnections(RedisConnections connections) : IAsyncDisposable
{
    private readonly Lazy<Task<ConnectionMultiplexer>> _state = new(() => ConnectAsync(connections.StateConfiguration));
    private readonly Lazy<Task<ConnectionMultiplexer>> _cache = new(() => ConnectAsync(connections.CacheConfiguration));

    /// <summary>Gets whether the Cache role has its own Redis (otherwise both roles are one server).</summary>
    public bool HasSeparateCache => connections.HasSeparateCache;

    /// <summary>Returns the primary server of <paramref name="role"/>.</summary>
    public async Task<IServer> ServerAsync(RedisRole role)
    {
        var multiplexer = await (role == RedisRole.Cache && connections.HasSeparateCache ? _cache : _state).Value.ConfigureAwait(false);
        var servers = multiplexer.GetServers();
        return servers.FirstOrDefault(s => s.IsConnected && !s.IsReplica)
            ?? servers.FirstOrDefault()
            ?? throw new RedisException($"No {role} Redis server is configured.");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var lazy in new[] { _state, _cache })
        {
            if (lazy.IsValueCreated)
            {
                await (await lazy.Value.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static Task<ConnectionMultiplexer> ConnectAsync(ConfigurationOptions shared)
    {
        var admin = shared.Clone();
        admin.AllowAdmin = true;
        admin.ClientName = $"{shared.ClientName}-admin";
        return ConnectionMultiplexer.ConnectAsync(admin);
    }
}
