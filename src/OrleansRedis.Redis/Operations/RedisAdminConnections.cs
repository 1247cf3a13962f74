using StackExchange.Redis;

namespace OrleansRedis.Redis.Operations;

/// <summary>
/// Admin-enabled connections (INFO, CONFIG, MEMORY) for the operations endpoints, created on first use. Kept apart from
/// the shared multiplexers so the connections grains use can never run CONFIG or FLUSHALL by mistake, unless the host
/// hands in an admin multiplexer (<see cref="RedisOptions.StateAdminMultiplexer"/>) or its own role multiplexer already
/// allows admin commands: then that one is used, and never disposed here.
/// </summary>
public sealed class RedisAdminConnections(RedisConnections connections) : IAsyncDisposable
{
    private readonly Lazy<Task<Admin>> _state = new(() => ConnectAsync(connections.HostAdminMultiplexer(cache: false), connections.StateConfiguration));
    private readonly Lazy<Task<Admin>> _cache = new(() => ConnectAsync(connections.HostAdminMultiplexer(cache: true), connections.CacheConfiguration));

    /// <summary>Gets whether the Cache role has its own Redis (otherwise both roles are one server).</summary>
    public bool HasSeparateCache => connections.HasSeparateCache;

    /// <summary>Returns the primary server of <paramref name="role"/>.</summary>
    public async Task<IServer> ServerAsync(RedisRole role)
    {
        var admin = await (role == RedisRole.Cache && connections.HasSeparateCache ? _cache : _state).Value.ConfigureAwait(false);
        var servers = admin.Multiplexer.GetServers();
        return servers.FirstOrDefault(s => s.IsConnected && !s.IsReplica)
            ?? servers.FirstOrDefault()
            ?? throw new RedisException($"No {role} Redis server is configured.");
    }

    /// <summary>
    /// Returns whether <paramref name="role"/> is served by the State Redis. Decided by the servers' <c>run_id</c>
    /// (INFO server), which is exact: two connection strings (<c>localhost:6379</c>, <c>127.0.0.1:6379</c>) or two
    /// multiplexers a host hands in may name one server in different words. A server whose <c>run_id</c> cannot be read
    /// counts as the State Redis, so the eviction guard fails safe.
    /// </summary>
    public async Task<bool> IsStateServerAsync(RedisRole role)
    {
        if (role == RedisRole.State || !connections.HasSeparateCache)
        {
            return true;
        }

        var state = await RunIdAsync(await ServerAsync(RedisRole.State).ConfigureAwait(false)).ConfigureAwait(false);
        var other = await RunIdAsync(await ServerAsync(role).ConfigureAwait(false)).ConfigureAwait(false);
        return state is null || other is null || string.Equals(state, other, StringComparison.Ordinal);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var lazy in new[] { _state, _cache })
        {
            if (lazy.IsValueCreated && await lazy.Value.ConfigureAwait(false) is { Owned: true } admin)
            {
                await admin.Multiplexer.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<string?> RunIdAsync(IServer server)
    {
        try
        {
            var info = await server.InfoAsync("server").ConfigureAwait(false);
            return info.SelectMany(group => group).FirstOrDefault(pair => pair.Key == "run_id").Value;
        }
        catch (RedisServerException)
        {
            // INFO is renamed or forbidden (some managed services): the caller treats the server as unknown.
            return null;
        }
    }

    private static async Task<Admin> ConnectAsync(IConnectionMultiplexer? host, ConfigurationOptions shared)
    {
        if (host is not null)
        {
            return new(host, Owned: false);
        }

        // A clone keeps what the settings hold (endpoints, password, user, ssl, timeouts) but, for a host's
        // multiplexer parsed from its text form, not its callbacks (certificate selection and validation, token
        // authentication): docs/embedding.md says how to hand in an admin multiplexer instead.
        var admin = shared.Clone();
        admin.AllowAdmin = true;
        admin.ClientName = $"{shared.ClientName}-admin";
        return new(await ConnectionMultiplexer.ConnectAsync(admin).ConfigureAwait(false), Owned: true);
    }

    private sealed record Admin(IConnectionMultiplexer Multiplexer, bool Owned);
}
