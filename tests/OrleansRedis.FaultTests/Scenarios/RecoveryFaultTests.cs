using System.Diagnostics;
using OrleansRedis.FaultTests.Harness;
using OrleansRedis.Testing;

namespace OrleansRedis.FaultTests.Scenarios;

/// <summary>How fast the cluster serves every key again after a silo dies, freezes, or Redis goes away.</summary>
public sealed class RecoveryFaultTests
{
    private const int Keys = 60;

    [Fact]
    public async Task SiloKill_AllKeysServedAgainWithinTwiceDetectionTime()
    {
        await using var cluster = await FaultCluster.StartAsync(silos: 3);
        var keys = await SeedAsync(cluster, "kill");

        await cluster.KillSiloAsync(0);
        var timer = Stopwatch.StartNew();
        await Eventually.TrueAsync(() => AllServedAsync(cluster.Silos[1], keys), TimeSpan.FromSeconds(60), "every key is served after the kill");
        var recovery = timer.Elapsed;

        TestContext.Current.TestOutputHelper?.WriteLine($"silo kill: all {Keys} keys served again after {recovery.TotalSeconds:0.0} s (detection time {FaultCluster.DetectionTime.TotalSeconds} s)");
        Assert.True(recovery <= FaultCluster.DetectionTime * 2, $"recovery took {recovery}");
    }

    [Fact]
    public async Task SiloPausedPastMembershipTimeout_OthersServeAllKeys_AndPausedSiloDoesNotServeStaleState()
    {
        // Orleans does not vote against a silo it received any message from within MaxProbeTimeout x
        // NumMissedProbesLimit (ClusterMembershipOptions.EnableConnectionLivenessCheck). A killed silo's connections
        // reset at once, but a frozen one's last messages arrived just before the freeze, so its eviction waits out that
        // window: 4 x ProbeTimeout x 2 = 8 s with the harness' 1 s probes, which with the reactivation after it came
        // to 8.4-9.0 s of the 10 s bound. MaxProbeTimeout 2 s makes the window 4 s, in line with DetectionTime
        // (docs/operations.md has the shipped settings' figure).
        await using var cluster = await FaultCluster.StartAsync(silos: 3, new Dictionary<string, string>
        {
            ["OrleansRedis__Cluster__Membership__MaxProbeTimeout"] = "00:00:02",
        });
        var keys = await SeedAsync(cluster, "pause");
        var paused = cluster.Silos[0];

        await ProcessSignals.StopAsync(paused.ProcessId);
        var timer = Stopwatch.StartNew();
        await Eventually.TrueAsync(() => AllServedAsync(cluster.Silos[1], keys), TimeSpan.FromSeconds(60), "every key is served while a silo is frozen");
        var recovery = timer.Elapsed;
        foreach (var key in keys.Take(10))
        {
            await ProbeReader.WriteAsync(cluster.Silos[2], key, "2");
        }

        await ProcessSignals.ContinueAsync(paused.ProcessId);
        // A silo that wakes up declared dead must stop serving: it either exits or refuses, and never returns the old value.
        await Eventually.TrueAsync(async () =>
        {
            if (paused.HasExited)
            {
                return true;
            }

            using var ready = await paused.Http.GetAsync("/health/ready");
            return !ready.IsSuccessStatusCode;
        }, TimeSpan.FromSeconds(60), "the resumed silo knows it was declared dead");
        var afterResume = await Task.WhenAll(keys.Take(10).Select(k => ProbeReader.ReadValueAsync(cluster.Silos[1], k)));

        TestContext.Current.TestOutputHelper?.WriteLine($"silo pause: all keys served after {recovery.TotalSeconds:0.0} s; resumed silo exited={paused.HasExited}");
        Assert.True(recovery <= FaultCluster.DetectionTime * 2, $"recovery took {recovery}");
        Assert.All(afterResume, value => Assert.Equal(2, value));
    }

    [Fact]
    public async Task RedisOutage_ServedAgainWithin30sOfReturn_WithoutSiloRestart()
    {
        await using var cluster = await FaultCluster.StartAsync(silos: 3);
        var keys = await SeedAsync(cluster, "outage");
        var pids = cluster.Silos.Select(s => s.ProcessId).ToList();

        await cluster.Redis.KillAsync();
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await ProbeReader.WriteAsync(cluster.Silos[1], keys[0], "2");
                return false;
            }
            catch (HttpRequestException)
            {
                return true;
            }
        }, TimeSpan.FromSeconds(30), "writes fail while Redis is down");
        await cluster.Redis.RestartAsync();
        var timer = Stopwatch.StartNew();
        await Eventually.TrueAsync(async () =>
        {
            foreach (var silo in cluster.Silos)
            {
                await ProbeReader.WriteAsync(silo, $"{keys[0]}-after", "3");
            }

            return await AllServedAsync(cluster.Silos[2], keys);
        }, TimeSpan.FromSeconds(60), "every silo writes and every key is served after Redis returns");
        var recovery = timer.Elapsed;

        TestContext.Current.TestOutputHelper?.WriteLine($"Redis outage: served again {recovery.TotalSeconds:0.0} s after Redis returned");
        Assert.True(recovery <= TimeSpan.FromSeconds(30), $"recovery took {recovery}");
        Assert.Equal(pids, cluster.Silos.Select(s => s.ProcessId));
        Assert.All(cluster.Silos, s => Assert.False(s.HasExited));
    }

    [Fact]
    public async Task StopAndStartAllSilos_StateIntact()
    {
        await using var cluster = await FaultCluster.StartAsync(silos: 3);
        var keys = await SeedAsync(cluster, "restart-all");

        await cluster.RestartAllSilosAsync();
        var values = await Task.WhenAll(keys.Select(k => ProbeReader.ReadValueAsync(cluster.Silos[0], k)));

        Assert.All(values, value => Assert.Equal(1, value));
    }

    private static async Task<IReadOnlyList<string>> SeedAsync(FaultCluster cluster, string name)
    {
        var keys = Enumerable.Range(0, Keys).Select(i => $"{name}-{Guid.NewGuid():N}").ToList();
        await Task.WhenAll(keys.Select((key, i) => ProbeReader.WriteAsync(cluster.Silos[i % cluster.Silos.Count], key, "1")));
        return keys;
    }

    private static async Task<bool> AllServedAsync(SiloProcess silo, IReadOnlyList<string> keys)
    {
        try
        {
            var values = await Task.WhenAll(keys.Select(k => ProbeReader.ReadValueAsync(silo, k)));
            return values.All(v => v >= 1);
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
