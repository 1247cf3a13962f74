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

    /// <summary>Returns the primary server of <paramref name="role"/> (on a Redis Cluster, one of its masters).</summary>
    public async Task<IServer> ServerAsync(RedisRole role) => Primary((await AdminAsync(role).ConfigureAwait(false)).Multiplexer, role);

    /// <summary>
    /// Returns the servers of <paramref name="role"/>: its primary, or on a Redis Cluster every live master and replica
    /// as <c>CLUSTER NODES</c> lists them now (after a failover, the promoted replica is a master).
    /// </summary>
    public async Task<RedisNodes> NodesAsync(RedisRole role)
    {
        var multiplexer = (await AdminAsync(role).ConfigureAwait(false)).Multiplexer;
        var servers = multiplexer.GetServers();
        if (!servers.Any(server => server.ServerType == ServerType.Cluster))
        {
            return new RedisNodes(false, [Primary(multiplexer, role)], [], 0);
        }

        ClusterConfiguration? table = null;
        foreach (var server in servers.Where(server => server.IsConnected))
        {
            try
            {
                table = await server.ClusterNodesAsync().ConfigureAwait(false);
                break;
            }
            catch (RedisException)
            {
                // That node went away since the multiplexer last saw it: ask the next one.
            }
        }

        if (table is null)
        {
            throw new RedisException($"No node of the {role} Redis Cluster answers CLUSTER NODES.");
        }

        var live = table.Nodes.Where(node => !node.IsFail && !node.IsNoAddr && node.EndPoint is not null).ToList();
        var masters = live.Where(node => !node.IsReplica && node.Slots.Count > 0).ToList();
        return new RedisNodes(
            true,
            [.. masters.Select(node => multiplexer.GetServer(node.EndPoint!))],
            [.. live.Where(node => node.IsReplica).Select(node => multiplexer.GetServer(node.EndPoint!))],
            masters.Sum(node => node.Slots.Sum(range => range.To - range.From + 1)));
    }

    /// <summary>
    /// Returns whether <paramref name="role"/> is served by the State Redis. Decided by the servers' <c>run_id</c>
    /// (INFO server), which is exact: two connection strings (<c>localhost:6379</c>, <c>127.0.0.1:6379</c>) or two
    /// multiplexers a host hands in may name one server in different words. On a Redis Cluster any node the two roles
    /// share makes them one. A server whose <c>run_id</c> cannot be read counts as the State Redis, so the eviction guard
    /// fails safe.
    /// </summary>
    public async Task<bool> IsStateServerAsync(RedisRole role)
    {
        if (role == RedisRole.State || !connections.HasSeparateCache)
        {
            return true;
        }

        var state = await RunIdsAsync(await NodesAsync(RedisRole.State).ConfigureAwait(false)).ConfigureAwait(false);
        var other = await RunIdsAsync(await NodesAsync(role).ConfigureAwait(false)).ConfigureAwait(false);
        return state.Contains(null) || other.Contains(null) || state.Overlaps(other);
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

    private Task<Admin> AdminAsync(RedisRole role) => (role == RedisRole.Cache && connections.HasSeparateCache ? _cache : _state).Value;

    private static IServer Primary(IConnectionMultiplexer multiplexer, RedisRole role)
    {
        var servers = multiplexer.GetServers();
        return servers.FirstOrDefault(s => s.IsConnected && !s.IsReplica)
            ?? servers.FirstOrDefault()
            ?? throw new RedisException($"No {role} Redis server is configured.");
    }

    private static async Task<HashSet<string?>> RunIdsAsync(RedisNodes nodes)
    {
        var ids = new HashSet<string?>(StringComparer.Ordinal);
        foreach (var server in nodes.All)
        {
            ids.Add(await RunIdAsync(server).ConfigureAwait(false));
        }

        return ids;
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
