using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Foundation;
using StackExchange.Redis;

namespace OrleansRedis.Tests.Operations;

/// <summary>
/// The operations endpoints on a Redis Cluster: the memory report has every node and the totals, big keys scan every
/// master, maxmemory reaches every node, and the eviction guard holds for all of them.
/// </summary>
public sealed class RedisClusterOperationsTests(RedisClusterOperationsTests.Fixture fixture) : IClassFixture<RedisClusterOperationsTests.Fixture>
{
    [Fact]
    public async Task Memory_RedisCluster_ReportsEveryNodeAndTotalsOverMasters()
    {
        var report = (await fixture.Silo.Http.GetFromJsonAsync<JsonElement>("/admin/redis/memory?role=state")).EnumerateArray().Single();
        var nodes = report.GetProperty("nodes").EnumerateArray().ToList();
        var masters = nodes.Where(node => !node.GetProperty("isReplica").GetBoolean()).ToList();

        Assert.Equal(("cluster", true), (report.GetProperty("topology").GetString(), report.GetProperty("complete").GetBoolean()));
        Assert.Equal((6, 3), (nodes.Count, masters.Count));
        Assert.Equal(
            fixture.Cluster.Nodes.Select(node => $"127.0.0.1:{node.Port}").Order(),
            nodes.Select(node => node.GetProperty("endpoint").GetString()!).Order());
        Assert.Equal(nodes.Sum(node => node.GetProperty("usedMemoryBytes").GetInt64()), report.GetProperty("usedMemoryBytes").GetInt64());
        Assert.Equal(masters.Sum(node => node.GetProperty("keys").GetInt64()), report.GetProperty("keys").GetInt64());
        Assert.All(nodes, node => Assert.True(node.GetProperty("aofEnabled").GetBoolean()));
        Assert.Equal(("noeviction", true), (report.GetProperty("maxMemoryPolicy").GetString(), report.GetProperty("aofEnabled").GetBoolean()));
        Assert.Empty(report.GetProperty("warnings").EnumerateArray());
    }

    [Fact]
    public async Task BigKeys_RedisCluster_KeyCountAcrossMastersEqualsDbsizeSummedOverMasters()
    {
        var database = fixture.Connection.GetDatabase();
        var writes = Enumerable.Range(0, 3000).Select(i => database.StringSetAsync($"or:filler:{{{Guid.NewGuid():N}}}", new string('x', i % 100))).ToArray();
        await Task.WhenAll(writes);

        // Nothing else writes new keys here; a machine that does between the two DBSIZE readings gets another try.
        for (var attempt = 1; ; attempt++)
        {
            var before = await DbSizeOverMastersAsync();
            var report = await fixture.Silo.Http.GetFromJsonAsync<JsonElement>("/admin/redis/bigkeys?role=state&batch=1000");
            var after = await DbSizeOverMastersAsync();
            if (before != after && attempt < 3)
            {
                continue;
            }

            var nodes = report.GetProperty("nodes").EnumerateArray().ToList();
            Assert.Equal(before, after);
            Assert.True(before > 3000, $"DBSIZE summed over the masters is {before}");
            Assert.Equal(before, report.GetProperty("scannedKeys").GetInt64());
            Assert.True(report.GetProperty("complete").GetBoolean());
            Assert.Equal(3, nodes.Count);

            // Each master holds its share: a scan of one node only (the seed's behaviour) would report about a third.
            Assert.All(nodes, node => Assert.InRange(node.GetProperty("scannedKeys").GetInt64(), 500, 2000));
            return;
        }
    }

    [Fact]
    public async Task BigKeys_RedisClusterKeyLimitBelowTotal_SaysIncompleteAndNamesTheUnfinishedMaster()
    {
        var database = fixture.Connection.GetDatabase();
        await Task.WhenAll(Enumerable.Range(0, 600).Select(i => database.StringSetAsync($"or:filler:{{{Guid.NewGuid():N}}}", "x")));

        var report = await fixture.Silo.Http.GetFromJsonAsync<JsonElement>("/admin/redis/bigkeys?role=state&maxKeys=300&batch=50");

        Assert.InRange(report.GetProperty("scannedKeys").GetInt64(), 1, 300);
        Assert.False(report.GetProperty("complete").GetBoolean());
        Assert.Contains(report.GetProperty("nodes").EnumerateArray(), node => !node.GetProperty("complete").GetBoolean());
    }

    [Fact]
    public async Task MaxMemory_RedisCluster_AppliedToEveryMasterAndReplica()
    {
        try
        {
            using var response = await fixture.Silo.Http.PutAsJsonAsync("/admin/redis/maxmemory", new { role = "state", maxMemory = "512mb", policy = "noeviction" });
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal((536870912L).ToString(), body.GetProperty("maxMemory").GetString());
            Assert.Equal(6, body.GetProperty("nodes").GetArrayLength());
            foreach (var node in fixture.Cluster.Nodes)
            {
                Assert.Contains("536870912", await node.RunCliAsync("config", "get", "maxmemory"));
            }
        }
        finally
        {
            foreach (var node in fixture.Cluster.Nodes)
            {
                await node.RunCliAsync("config", "set", "maxmemory", "0");
            }
        }
    }

    [Fact]
    public async Task MaxMemory_EvictingPolicyOnRedisClusterState_Refused409AndNoNodeChanged()
    {
        using var response = await fixture.Silo.Http.PutAsJsonAsync("/admin/redis/maxmemory", new { role = "state", policy = "allkeys-lru" });

        await ProblemAssert.IsAsync(response, HttpStatusCode.Conflict);
        foreach (var node in fixture.Cluster.Nodes)
        {
            Assert.Contains("noeviction", await node.RunCliAsync("config", "get", "maxmemory-policy"));
        }
    }

    [Fact]
    public async Task Memory_OneReplicaOnVolatileLru_CriticalWarningNamesThatNode()
    {
        var replica = await ReplicaAsync();
        await replica.RunCliAsync("config", "set", "maxmemory-policy", "volatile-lru");
        try
        {
            var report = (await fixture.Silo.Http.GetFromJsonAsync<JsonElement>("/admin/redis/memory?role=state")).EnumerateArray().Single();
            var warning = Assert.Single(report.GetProperty("warnings").EnumerateArray());

            // A replica promoted by a failover keeps its policy: the guard rail watches replicas as it watches masters.
            Assert.Equal(("state-evicting-policy", "critical"), (warning.GetProperty("code").GetString(), warning.GetProperty("severity").GetString()));
            Assert.StartsWith($"127.0.0.1:{replica.Port} (replica):", warning.GetProperty("message").GetString());
            Assert.Equal("mixed", report.GetProperty("maxMemoryPolicy").GetString());
        }
        finally
        {
            await replica.RunCliAsync("config", "set", "maxmemory-policy", "noeviction");
        }
    }

    private async Task<long> DbSizeOverMastersAsync()
    {
        long total = 0;
        foreach (var master in await fixture.Cluster.MastersAsync())
        {
            total += long.Parse((await master.RunCliAsync("dbsize")).Trim());
        }

        return total;
    }

    private async Task<RedisServer> ReplicaAsync()
    {
        var masters = await fixture.Cluster.MastersAsync();
        return fixture.Cluster.Nodes.First(node => !masters.Contains(node));
    }

    /// <summary>A Redis Cluster (three masters, three replicas) and one silo process on it with an admin key.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private readonly string _adminKey = $"ops-admin-{Guid.NewGuid():N}";

        /// <summary>Gets the Redis Cluster.</summary>
        public RedisCluster Cluster { get; private set; } = null!;

        /// <summary>Gets a connection to the cluster for arranging keys.</summary>
        public ConnectionMultiplexer Connection { get; private set; } = null!;

        /// <summary>Gets the silo, its HTTP client carrying the admin key.</summary>
        public SiloProcess Silo { get; private set; } = null!;

        /// <inheritdoc />
        public async ValueTask InitializeAsync()
        {
            Cluster = await RedisCluster.StartAsync(TimeSpan.FromSeconds(30));
            Connection = await Cluster.ConnectAsync();
            Silo = SiloProcess.Start(Cluster.ConnectionString, $"opsc-{Guid.NewGuid():N}", $"opsc-{Guid.NewGuid():N}",
                new Dictionary<string, string> { ["OrleansRedis__Admin__ApiKey"] = _adminKey });
            await Silo.WaitReadyAsync();
            Silo.Http.DefaultRequestHeaders.Add("X-Admin-Key", _adminKey);
        }

        /// <inheritdoc />
        public async ValueTask DisposeAsync()
        {
            if (Silo is not null)
            {
                await Silo.DisposeAsync();
            }

            if (Connection is not null)
            {
                await Connection.DisposeAsync();
            }

            if (Cluster is not null)
            {
                await Cluster.DisposeAsync();
            }
        }
    }
}
