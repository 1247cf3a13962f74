using OrleansRedis.FaultTests.Harness;

namespace OrleansRedis.FaultTests.Scenarios;

/// <summary>Persisted grain state under load: no acknowledged write is lost across silo kills and Redis kills.</summary>
public sealed class PersistedStateFaultTests
{
    private static readonly int SiloKills = FaultSettings.Get("FAULT_SILO_KILLS", 10);
    private static readonly int RedisKills = FaultSettings.Get("FAULT_REDIS_KILLS", 3);

    [Fact]
    public async Task ProbeWrites_SiloKillsAndRedisKills_NoAcknowledgedWriteLostAndNoHangs()
    {
        await using var cluster = await FaultCluster.StartAsync(silos: 3);
        await using var driver = await LoadDriverProcess.StartAsync(cluster, "probe", workers: 6, new Dictionary<string, string> { ["--keys"] = "4" });
        await driver.WaitForAcksAsync(50, TimeSpan.FromSeconds(60));

        var redisKillEvery = Math.Max(1, SiloKills / Math.Max(1, RedisKills));
        var redisKills = 0;
        for (var kill = 1; kill <= SiloKills; kill++)
        {
            await cluster.KillAndReplaceSiloAsync(kill % cluster.Silos.Count);
            await driver.WaitForAcksAsync(20, TimeSpan.FromSeconds(60));
            if (kill % redisKillEvery == 0 && redisKills < RedisKills)
            {
                await cluster.KillAndRestartRedisAsync();
                redisKills++;
                await driver.WaitForAcksAsync(20, TimeSpan.FromSeconds(60));
            }
        }

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

        TestContext.Current.TestOutputHelper?.WriteLine($"persisted state: {SiloKills} silo kills, {redisKills} Redis kills, keys={ledger.LastAckedByKey.Count}, {ledger}");
        Assert.Empty(lost);
        Assert.Equal(0, ledger.Hangs);
        Assert.Equal(RedisKills, redisKills);
        Assert.True(ledger.Acks > 50 + (SiloKills * 20), ledger.ToString());
    }
}
