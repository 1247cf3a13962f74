using OrleansRedis.FaultTests.Harness;
using OrleansRedis.Testing;

namespace OrleansRedis.FaultTests.Scenarios;

/// <summary>
/// Persisted grain state and sessions under load from two external client processes: no acknowledged write is lost
/// across silo kills and Redis kills, and no call hangs.
/// </summary>
public sealed class PersistedStateFaultTests
{
    private static readonly int SiloKills = FaultSettings.Get("FAULT_SILO_KILLS", 10);
    private static readonly int RedisKills = FaultSettings.Get("FAULT_REDIS_KILLS", 3);

    [Fact]
    public async Task ProbeAndSessionWrites_SiloKillsAndRedisKills_NoAcknowledgedWriteLostAndNoHangs()
    {
        await using var cluster = await FaultCluster.StartAsync(silos: 3);
        await using var driver = await LoadDriverProcess.StartAsync(cluster, "probe", workers: 6, new Dictionary<string, string> { ["--keys"] = "4" });
        await using var sessions = await LoadDriverProcess.StartAsync(cluster, "sessions", workers: 4);
        await driver.WaitForAcksAsync(50, TimeSpan.FromSeconds(60));
        await sessions.WaitForAcksAsync(50, TimeSpan.FromSeconds(60));

        var redisKillEvery = Math.Max(1, SiloKills / Math.Max(1, RedisKills));
        var redisKills = 0;

        // A killed silo's replacement starts while the load goes on and the next kill hits another silo, so kills
        // overlap recoveries (at times one silo of three serves everything). A slot is killed again only once its
        // replacement is up, and Redis only once every replacement has joined (a silo cannot join without Redis).
        var replacing = new Task?[cluster.Silos.Count];
        for (var kill = 1; kill <= SiloKills; kill++)
        {
            var slot = kill % cluster.Silos.Count;
            if (replacing[slot] is { } previous)
            {
                await previous;
            }

            await cluster.KillSiloAsync(slot);
            replacing[slot] = cluster.ReplaceSiloAsync(slot);
            await driver.WaitForAcksAsync(20, TimeSpan.FromSeconds(60));
            if (kill % redisKillEvery == 0 && redisKills < RedisKills)
            {
                await Task.WhenAll(replacing.OfType<Task>());
                await cluster.KillAndRestartRedisAsync();
                redisKills++;
                await driver.WaitForAcksAsync(20, TimeSpan.FromSeconds(60));
            }
        }

        await Task.WhenAll(replacing.OfType<Task>());

        await driver.StopAsync();
        await sessions.StopAsync();
        var ledger = driver.Ledger;
        var sessionLedger = sessions.Ledger;
        var lost = new List<string>();
        foreach (var (key, acked) in ledger.LastAckedByKey)
        {
            var stored = await ProbeReader.ReadValueAsync(cluster.Silos[0], key);
            if (stored < acked)
            {
                lost.Add($"{key}: acknowledged {acked}, stored {stored}");
            }
        }

        foreach (var session in sessionLedger.LastAckedByKey.GroupBy(p => p.Key.Split('#')[0]))
        {
            var data = await SessionReader.ReadDataAsync(cluster.Silos[1], session.Key);
            foreach (var (key, acked) in session)
            {
                var field = key.Split('#')[1];
                var stored = data.TryGetProperty(field, out var value) ? value.GetInt64() : 0;
                if (stored < acked)
                {
                    lost.Add($"session field {field}: acknowledged {acked}, stored {stored}");
                }
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"persisted state: {SiloKills} silo kills, {redisKills} Redis kills; probe keys={ledger.LastAckedByKey.Count} {ledger}; session fields={sessionLedger.LastAckedByKey.Count} {sessionLedger}");
        Assert.Empty(lost);
        Assert.Equal(0, ledger.Hangs + sessionLedger.Hangs);
        Assert.True(sessionLedger.Acks > 100, sessionLedger.ToString());
        Assert.Equal(RedisKills, redisKills);
        Assert.True(ledger.Acks > 50 + (SiloKills * 20), ledger.ToString());
    }
}
