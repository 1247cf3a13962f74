using System.Diagnostics;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Foundation;

/// <summary>
/// A silo process stops within a bound on SIGTERM, also when its State Redis is already gone: docker stops a
/// container with SIGKILL 10 s after SIGTERM, and Orleans alone would retry its membership update for two minutes.
/// The silo's own bound is 7 s (its 5 s shutdown timeout and 2 s of grace, <c>ShutdownBound</c>); the test measures
/// from outside, with a process spawn and polling of its own, so it sits in the serial <see cref="WallClockCollection"/>.
/// </summary>
[Collection(WallClockCollection.Name)]
public sealed class SiloShutdownTests(ITestOutputHelper output)
{
    private static readonly TimeSpan DockerStopTimeout = TimeSpan.FromSeconds(10);

    // The silo's watchdog ends a stop at 7 s; 1 s more is the test's own measuring on a loaded machine. That the
    // watchdog did not end this stop is asserted from the output.
    private static readonly TimeSpan StopBoundAndMeasuring = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task Sigterm_WithRedisUp_ExitsWithinTheStopBoundWithoutTheWatchdog()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var silo = SiloProcess.Start(redis.ConnectionString, $"stop-{Guid.NewGuid():N}", $"stop-{Guid.NewGuid():N}");
        await silo.WaitReadyAsync();

        var elapsed = await TerminateAsync(silo);

        Assert.True(elapsed < StopBoundAndMeasuring, $"the silo took {elapsed.TotalSeconds:0.0} s to exit with Redis up");
        Assert.DoesNotContain("Stopping took longer than", silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_AfterRedisWasKilled_ExitsBeforeDockerWouldKillIt()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var silo = SiloProcess.Start(redis.ConnectionString, $"stop-{Guid.NewGuid():N}", $"stop-{Guid.NewGuid():N}");
        await silo.WaitReadyAsync();
        await redis.KillAsync();

        var elapsed = await TerminateAsync(silo);

        // The watchdog's 7 s leave 3 s before docker's SIGKILL; Orleans' own retries would take two minutes.
        Assert.True(elapsed < DockerStopTimeout, $"the silo took {elapsed.TotalSeconds:0.0} s to exit with Redis gone");
    }

    private async Task<TimeSpan> TerminateAsync(SiloProcess silo)
    {
        var clock = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-TERM", silo.ProcessId.ToString()])!)
        {
            await kill.WaitForExitAsync();
        }

        // Polls at 100 ms: the bound under test is seconds.
        await Eventually.TrueAsync(() => Task.FromResult(silo.HasExited), TimeSpan.FromSeconds(150), "the silo exits after SIGTERM");
        output.WriteLine($"the silo exited {clock.Elapsed.TotalSeconds:0.00} s after SIGTERM");
        return clock.Elapsed;
    }
}
