using System.Diagnostics;
using System.Net;
using StackExchange.Redis;

namespace OrleansRedis.Testing;

/// <summary>
/// A real Redis Cluster on loopback: six <see cref="RedisServer"/> processes (free ports, temporary folders,
/// <c>--cluster-enabled yes</c>) joined by <c>redis-cli --cluster create ... --cluster-replicas 1</c> into three
/// masters with one replica each. <see cref="StartAsync"/> returns once the cluster is usable: every node reports
/// <c>cluster_state:ok</c> with all 16384 slots covered, and every master has its replica in sync.
/// </summary>
public sealed class RedisCluster : IAsyncDisposable
{
    /// <summary>The number of hash slots of a Redis Cluster.</summary>
    public const int SlotCount = 16384;

    private static readonly TimeSpan Ready = TimeSpan.FromSeconds(60);

    private RedisCluster(IReadOnlyList<RedisServer> nodes, TimeSpan nodeTimeout)
    {
        Nodes = nodes;
        NodeTimeout = nodeTimeout;
    }

    /// <summary>Gets the six nodes, masters and replicas alike (which is which changes with a failover).</summary>
    public IReadOnlyList<RedisServer> Nodes { get; }

    /// <summary>Gets <c>cluster-node-timeout</c>: how long a node may be unreachable before its replica takes over.</summary>
    public TimeSpan NodeTimeout { get; }

    /// <summary>Gets a connection string naming every node, as an application would configure it.</summary>
    public string ConnectionString => string.Join(",", Nodes.Select(node => $"127.0.0.1:{node.Port}")) + ",abortConnect=false";

    /// <summary>
    /// Starts three masters and three replicas. <paramref name="nodeTimeout"/> bounds how fast a dead master is replaced
    /// (a failover takes about the timeout plus one second); a cluster that is not meant to fail over gets a long one,
    /// so that a node stalled for seconds on a loaded machine is not replaced by mistake.
    /// </summary>
    public static async Task<RedisCluster> StartAsync(TimeSpan nodeTimeout, params string[] extraArguments)
    {
        string[] arguments =
        [
            "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
            "--cluster-node-timeout", ((long)nodeTimeout.TotalMilliseconds).ToString(), ..extraArguments,
        ];
        var nodes = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => RedisServer.StartAsync(arguments)));
        var cluster = new RedisCluster(nodes, nodeTimeout);
        try
        {
            await cluster.CreateAsync();
            await cluster.WaitHealthyAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens a new admin-enabled connection to the whole cluster.</summary>
    public Task<ConnectionMultiplexer> ConnectAsync() =>
        ConnectionMultiplexer.ConnectAsync($"{ConnectionString},allowAdmin=true");

    /// <summary>Returns the node serving <paramref name="slot"/> as master, as the cluster itself says.</summary>
    public async Task<RedisServer> MasterOfSlotAsync(int slot)
    {
        foreach (var line in await NodesTableAsync())
        {
            if (line.IsMaster && !line.IsFailed && line.Slots.Any(range => slot >= range.From && slot <= range.To))
            {
                return Nodes.Single(node => node.Port == line.Port);
            }
        }

        throw new InvalidOperationException($"No live master serves slot {slot}.");
    }

    /// <summary>Returns the node serving <paramref name="key"/> as master now.</summary>
    public async Task<RedisServer> MasterOfKeyAsync(string key) =>
        await MasterOfSlotAsync(int.Parse((await LiveNode().RunCliAsync("cluster", "keyslot", key)).Trim()));

    /// <summary>Returns the slot ranges <paramref name="master"/> serves now.</summary>
    public async Task<IReadOnlyList<(int From, int To)>> SlotsOfAsync(RedisServer master) =>
        (await NodesTableAsync()).Single(line => line.Port == master.Port).Slots;

    /// <summary>Returns the live replica of <paramref name="master"/>.</summary>
    public async Task<RedisServer> ReplicaOfAsync(RedisServer master)
    {
        var table = await NodesTableAsync();
        var id = table.Single(line => line.Port == master.Port).Id;
        return Nodes.Single(node => node.Port == table.First(line => !line.IsMaster && !line.IsFailed && line.MasterId == id).Port);
    }

    /// <summary>Returns the nodes that are live masters now.</summary>
    public async Task<IReadOnlyList<RedisServer>> MastersAsync() =>
        [.. (await NodesTableAsync()).Where(line => line.IsMaster && !line.IsFailed && line.Slots.Count > 0).Select(line => Nodes.Single(node => node.Port == line.Port))];

    /// <summary>
    /// Waits until every live node reports <c>cluster_state:ok</c> with all slots served by live masters and, when
    /// <paramref name="replicated"/>, every master has a replica whose link is up. After a failover whose dead master
    /// stays down, the promoted replica has no replica of its own: wait with <paramref name="replicated"/> false.
    /// </summary>
    public Task WaitHealthyAsync(bool replicated = true) =>
        Eventually.TrueAsync(() => IsHealthyAsync(replicated), Ready, $"the Redis Cluster is ok with every slot covered{(replicated ? " and every master replicated" : "")}");

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }
    }

    private async Task CreateAsync()
    {
        var info = new ProcessStartInfo("redis-cli")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("--cluster");
        info.ArgumentList.Add("create");
        foreach (var node in Nodes)
        {
            info.ArgumentList.Add($"127.0.0.1:{node.Port}");
        }

        info.ArgumentList.Add("--cluster-replicas");
        info.ArgumentList.Add("1");
        info.ArgumentList.Add("--cluster-yes");
        using var cli = Process.Start(info) ?? throw new InvalidOperationException("redis-cli did not start.");
        var output = cli.StandardOutput.ReadToEndAsync();
        var error = cli.StandardError.ReadToEndAsync();
        await cli.WaitForExitAsync().WaitAsync(Ready);
        if (cli.ExitCode != 0)
        {
            throw new InvalidOperationException($"redis-cli --cluster create failed with {cli.ExitCode}: {await output} {await error}");
        }
    }

    private async Task<bool> IsHealthyAsync(bool replicated)
    {
        var live = Nodes.Where(node => node.IsRunning).ToList();
        foreach (var node in live)
        {
            var info = await node.RunCliAsync("cluster", "info");
            if (!info.Contains("cluster_state:ok", StringComparison.Ordinal)
                || !info.Contains($"cluster_slots_ok:{SlotCount}", StringComparison.Ordinal))
            {
                return false;
            }
        }

        var table = await NodesTableAsync();
        var masters = table.Where(line => line.IsMaster && !line.IsFailed && line.Slots.Count > 0).ToList();
        if (masters.Sum(line => line.Slots.Sum(range => range.To - range.From + 1)) != SlotCount)
        {
            return false;
        }

        foreach (var master in replicated ? masters : [])
        {
            var replicas = table.Where(line => !line.IsMaster && !line.IsFailed && line.MasterId == master.Id).ToList();
            if (replicas.Count == 0)
            {
                return false;
            }

            foreach (var replica in replicas)
            {
                var replication = await Nodes.Single(node => node.Port == replica.Port).RunCliAsync("info", "replication");
                if (!replication.Contains("master_link_status:up", StringComparison.Ordinal))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private RedisServer LiveNode() => Nodes.First(node => node.IsRunning);

    private async Task<IReadOnlyList<NodeLine>> NodesTableAsync() =>
        [.. (await LiveNode().RunCliAsync("cluster", "nodes")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(NodeLine.Parse)];

    /// <summary>One line of CLUSTER NODES: <c>id ip:port@bus flags master-id ping pong epoch state slots...</c>.</summary>
    private sealed record NodeLine(string Id, int Port, bool IsMaster, bool IsFailed, string MasterId, IReadOnlyList<(int From, int To)> Slots)
    {
        public static NodeLine Parse(string line)
        {
            var parts = line.Trim().Split(' ');
            var address = parts[1].Split('@')[0];
            var flags = parts[2].Split(',');
            var slots = parts.Skip(8)
                .Where(part => !part.StartsWith('['))
                .Select(part => part.Split('-'))
                .Select(range => (int.Parse(range[0]), int.Parse(range[^1])))
                .ToList();
            return new NodeLine(
                parts[0],
                IPEndPoint.Parse(address).Port,
                flags.Contains("master"),
                flags.Contains("fail") || flags.Contains("fail?") || parts[7] == "disconnected",
                parts[3],
                slots);
        }
    }
}
