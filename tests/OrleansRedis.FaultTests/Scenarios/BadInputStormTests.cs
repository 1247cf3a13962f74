using System.Net;
using System.Text;
using OrleansRedis.FaultTests.Harness;
using StackExchange.Redis;

namespace OrleansRedis.FaultTests.Scenarios;

/// <summary>
/// 10,000 malformed requests (random bytes, huge bodies, wrong types, path tricks, wrong methods and media types):
/// every one gets a 4xx, the silos stay up, and nothing stored changes.
/// </summary>
public sealed class BadInputStormTests
{
    private const int Requests = 10_000;

    [Fact]
    public async Task MalformedRequests_All4xx_SilosStayUp_StateUnchanged()
    {
        await using var cluster = await FaultCluster.StartAsync(silos: 2);
        foreach (var key in new[] { "storm-a", "storm-b", "storm-c" })
        {
            await ProbeReader.WriteAsync(cluster.Silos[0], key, "kept");
        }

        await using var redis = await cluster.ConnectRedisAsync();
        var before = await SnapshotAsync(redis, cluster.ServiceId);
        var random = new Random(20261126);
        var requests = Enumerable.Range(0, Requests).Select(i => MalformedRequests.Create(random, i)).ToList();
        var statuses = new int[Requests];
        var failures = new List<string>();

        await Parallel.ForEachAsync(Enumerable.Range(0, Requests), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            var silo = cluster.Silos[i % cluster.Silos.Count];
            using var message = requests[i].ToMessage(silo.Http.BaseAddress!);
            try
            {
                using var response = await silo.Http.SendAsync(message, ct);
                statuses[i] = (int)response.StatusCode;
            }
            catch (HttpRequestException ex)
            {
                lock (failures)
                {
                    failures.Add($"{requests[i]}: {ex.Message}");
                }
            }
        });

        var after = await SnapshotAsync(redis, cluster.ServiceId);
        var byStatus = statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Key}:{g.Count()}");
        TestContext.Current.TestOutputHelper?.WriteLine($"bad input storm: {Requests} requests, statuses [{string.Join(", ", byStatus)}], transport failures {failures.Count}");
        var unexpected = statuses.Select((s, i) => (s, i)).Where(p => p.s is < 400 or >= 500).Take(10).Select(p => $"{p.s} for {requests[p.i]}").ToList();
        Assert.Empty(unexpected);
        Assert.Empty(failures);
        foreach (var silo in cluster.Silos)
        {
            Assert.False(silo.HasExited);
            using var ready = await silo.Http.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        Assert.Equal(before, after);
    }

    // Every key and its content, except the membership table (silos rewrite their IAmAlive there every few seconds).
    private static async Task<string> SnapshotAsync(ConnectionMultiplexer redis, string serviceId)
    {
        var server = redis.GetServers()[0];
        var database = redis.GetDatabase();
        var text = new StringBuilder();
        await foreach (var key in server.KeysAsync(pattern: "*"))
        {
            if (key.ToString().StartsWith($"{serviceId}/members/", StringComparison.Ordinal))
            {
                continue;
            }

            var dump = await database.KeyDumpAsync(key);
            text.Append(key).Append('=').Append(Convert.ToBase64String(dump ?? [])).Append('\n');
        }

        return string.Join('\n', text.ToString().Split('\n').Order());
    }
}
