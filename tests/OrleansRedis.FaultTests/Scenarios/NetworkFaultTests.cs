using OrleansRedis.FaultTests.Harness;
using OrleansRedis.Testing;

namespace OrleansRedis.FaultTests.Scenarios;

/// <summary>
/// Network faults between silos and Redis (through the fault proxy) and a Redis stall: every call ends within the
/// call timeout + 1 s, service resumes after each fault, and no acknowledged write is lost.
/// </summary>
public sealed class NetworkFaultTests
{
    [Fact]
    public async Task DelayBlackholeResetAndClientPause_NoHangsNoLossAndProgressAfterEach()
    {
        await using var cluster = await FaultCluster.StartAsync(silos: 3);
        await using var driver = await LoadDriverProcess.StartAsync(cluster, "probe", workers: 6, new Dictionary<string, string> { ["--keys"] = "4" });
        await driver.WaitForAcksAsync(50, TimeSpan.FromSeconds(60));

        cluster.Proxy.Delay = TimeSpan.FromMilliseconds(150);
        await driver.WaitForAcksAsync(20, TimeSpan.FromSeconds(60));
        cluster.Proxy.Delay = TimeSpan.Zero;

        cluster.Proxy.Blackhole = true;
        var beforeBlackhole = driver.Ledger.Errors;
        await Harness.Waits.UntilAsync(() => driver.Ledger.Errors > beforeBlackhole, TimeSpan.FromSeconds(30), "calls fail while Redis is blackholed");
        cluster.Proxy.Blackhole = false;
        cluster.Proxy.ResetAll();
        await driver.WaitForAcksAsync(20, TimeSpan.FromSeconds(60));

        cluster.Proxy.ResetAll();
        await driver.WaitForAcksAsync(20, TimeSpan.FromSeconds(60));

        await cluster.PauseRedisClientsAsync(TimeSpan.FromSeconds(3));
        await driver.WaitForAcksAsync(20, TimeSpan.FromSeconds(60));

        await driver.StopAsync();
        var ledger = driver.Ledger;
        var lost = new List<string>();
        foreach (var (key, acked) in ledger.LastAckedByKey)
        {
            var stored = await ProbeReader.ReadValueAsync(cluster.Silos[0], key);
            if (stored < acked)
            {
                lost.Add($"{key}: acknowledged {acked}, stored {stored}");
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"network faults: {ledger}");
        Assert.Equal(0, ledger.Hangs);
        Assert.Empty(lost);
    }
}
