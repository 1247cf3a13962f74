using OrleansRedis.FaultTests.Harness;
using OrleansRedis.Testing;

namespace OrleansRedis.FaultTests.Scenarios;

/// <summary>
/// Locks under silo kills and a frozen holder process: no fencing token is granted twice, the protected resource never
/// rejects a holder whose process was not frozen (a rejection would mean two live holders), and calls never hang.
/// </summary>
public sealed class LockFaultTests
{
    [Fact]
    public async Task Locks_SiloKillsAndPausedHolder_NoDoubleGrant()
    {
        await using var cluster = await FaultCluster.StartAsync(silos: 3);
        var runId = $"locks{Guid.NewGuid():N}"[..16];
        var arguments = new Dictionary<string, string> { ["--run-id"] = runId, ["--keys"] = "2" };
        await using var steady = await LoadDriverProcess.StartAsync(cluster, "locks", workers: 4, arguments);
        await using var frozen = await LoadDriverProcess.StartAsync(cluster, "locks", workers: 2,
            new Dictionary<string, string>(arguments) { ["--hold-ms"] = "1000" });
        await WaitForGrantsAsync(steady, 20);

        // A killed silo's replacement starts while the grants must go on without it; the next kill waits until it is up,
        // so one silo of three is down at a time.
        Task replacing = Task.CompletedTask;
        for (var kill = 0; kill < 3; kill++)
        {
            await replacing;
            await cluster.KillSiloAsync(kill % cluster.Silos.Count);
            replacing = cluster.ReplaceSiloAsync(kill % cluster.Silos.Count);
            await WaitForGrantsAsync(steady, 10);
        }

        await replacing;

        // Freeze a whole client process while one of its workers holds a lock (it holds for 1 s before writing), past
        // the 3 s lease, as a long GC pause would; then let it run on and write with its now stale fence.
        await Waits.UntilAsync(() => frozen.Lines.LastOrDefault(l => l.StartsWith("ACK lock ", StringComparison.Ordinal) || l.StartsWith("FENCE ", StringComparison.Ordinal))?.StartsWith("ACK lock ", StringComparison.Ordinal) == true,
            TimeSpan.FromSeconds(60), "a worker of the process to freeze holds a lock");
        await ProcessSignals.StopAsync(frozen.ProcessId);
        await WaitForGrantsAsync(steady, 10);
        await ProcessSignals.ContinueAsync(frozen.ProcessId);
        await WaitForGrantsAsync(frozen, 5);

        await steady.StopAsync();
        await frozen.StopAsync();
        var steadyFences = Fences(steady.Lines);
        var frozenFences = Fences(frozen.Lines);
        var all = steadyFences.Concat(frozenFences).ToList();
        var duplicates = all.GroupBy(f => (f.Lock, f.Fence)).Where(g => g.Count() > 1).Select(g => $"{g.Key.Lock}#{g.Key.Fence}").ToList();

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"locks: grants={all.Count} steadyRejected={steadyFences.Count(f => !f.Accepted)} frozenRejected={frozenFences.Count(f => !f.Accepted)} " +
            $"steady {steady.Ledger} frozen {frozen.Ledger}");
        Assert.Empty(duplicates);
        Assert.DoesNotContain(steadyFences, f => !f.Accepted);
        Assert.Contains(frozenFences, f => !f.Accepted);

        // The frozen process's own clock ran through the freeze, so only the steady process's calls can show a hang.
        Assert.Equal(0, steady.Ledger.Hangs);
        Assert.True(all.Count >= 50, $"only {all.Count} grants");
    }

    private static Task WaitForGrantsAsync(LoadDriverProcess driver, int more)
    {
        var target = Fences(driver.Lines).Count + more;
        return Waits.UntilAsync(() => Fences(driver.Lines).Count >= target, TimeSpan.FromSeconds(60), $"{more} more lock grants");
    }

    private static List<(string Lock, long Fence, bool Accepted)> Fences(IEnumerable<string> lines) =>
        lines.Select(l => l.Split(' '))
            .Where(p => p.Length >= 4 && p[0] == "FENCE")
            .Select(p => (p[1], long.Parse(p[2]), p[3] == "accepted"))
            .ToList();
}
