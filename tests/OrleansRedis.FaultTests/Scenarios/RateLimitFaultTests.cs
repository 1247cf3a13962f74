using System.Globalization;
using OrleansRedis.FaultTests.Harness;
using OrleansRedis.Testing;

namespace OrleansRedis.FaultTests.Scenarios;

/// <summary>Rate limits under silo kills: no window ever admits more than the limit, and no call hangs.</summary>
public sealed class RateLimitFaultTests
{
    private const int Limit = 20;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Admissions_AcrossSiloKills_NeverExceedTheLimitPerWindow()
    {
        var policy = new Dictionary<string, string>
        {
            ["OrleansRedis__RateLimits__Policies__fault__Algorithm"] = "SlidingLog",
            ["OrleansRedis__RateLimits__Policies__fault__Limit"] = Limit.ToString(CultureInfo.InvariantCulture),
            ["OrleansRedis__RateLimits__Policies__fault__Window"] = "00:00:02",
            ["OrleansRedis__RateLimits__Policies__fault__FailureMode"] = "Closed",
        };
        await using var cluster = await FaultCluster.StartAsync(silos: 3, policy);
        var arguments = new Dictionary<string, string> { ["--policy"] = "fault", ["--keys"] = "2", ["--run-id"] = $"rl{Guid.NewGuid():N}"[..12] };
        await using var first = await LoadDriverProcess.StartAsync(cluster, "ratelimit", workers: 4, arguments);
        await using var second = await LoadDriverProcess.StartAsync(cluster, "ratelimit", workers: 4, arguments);
        await Waits.UntilAsync(() => Admissions(first.Lines).Count >= Limit, TimeSpan.FromSeconds(60), "admissions start");

        // A killed silo's replacement starts while the admissions must go on without it; the next kill waits until it is
        // up, so one silo of three is down at a time.
        Task replacing = Task.CompletedTask;
        for (var kill = 0; kill < 3; kill++)
        {
            await replacing;
            var before = Admissions(first.Lines).Count + Admissions(second.Lines).Count;
            await cluster.KillSiloAsync(kill % cluster.Silos.Count);
            replacing = cluster.ReplaceSiloAsync(kill % cluster.Silos.Count);
            await Waits.UntilAsync(() => Admissions(first.Lines).Count + Admissions(second.Lines).Count >= before + Limit,
                TimeSpan.FromSeconds(60), "admissions continue after the kill");
        }

        await replacing;

        await first.StopAsync();
        await second.StopAsync();
        var admissions = Admissions(first.Lines).Concat(Admissions(second.Lines)).ToList();
        var violations = new List<string>();
        foreach (var key in admissions.GroupBy(a => a.Key))
        {
            var sorted = key.OrderBy(a => a.Sent).ToList();
            foreach (var start in sorted)
            {
                // Admissions sent and answered inside [start.Sent, start.Sent + window) were certainly decided inside one window.
                var inside = sorted.Count(a => a.Sent >= start.Sent && a.Received < start.Sent + Window.TotalMilliseconds);
                if (inside > Limit)
                {
                    violations.Add($"{key.Key}: {inside} admissions inside one {Window.TotalSeconds} s window from {start.Sent:0}");
                }
            }
        }

        var ledgers = $"{first.Ledger} / {second.Ledger}";
        TestContext.Current.TestOutputHelper?.WriteLine($"rate limits: {admissions.Count} admissions on 2 keys from 2 processes across 3 silo kills; {ledgers}");
        Assert.Empty(violations.Take(5));
        Assert.Equal(0, first.Ledger.Hangs + second.Ledger.Hangs);
        Assert.True(admissions.Count >= 4 * Limit, ledgers);
    }

    private static List<(string Key, double Sent, double Received)> Admissions(IEnumerable<string> lines) =>
        lines.Select(l => l.Split(' '))
            .Where(p => p.Length == 4 && p[0] == "ADMIT")
            .Select(p => (p[1], double.Parse(p[2], CultureInfo.InvariantCulture), double.Parse(p[3], CultureInfo.InvariantCulture)))
            .ToList();
}
