using System.Diagnostics;
using OrleansRedis.Testing;

namespace OrleansRedis.Tests.Foundation;

/// <summary>
/// A silo process stops within a bound on SIGTERM, also when its State Redis is already gone: docker stops a
/// container with SIGKILL 10 s after SIGTERM, and Orleans alone would retry its membership update for two minutes.
/// </summary>
public sealed class SiloShutdownTests(ITestOutputHelper output)
{
    private static readonly TimeSpan DockerStopTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Sigterm_WithRedisUp_ExitsWithinTheShutdownTimeout()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var silo = SiloProcess.Start(redis.ConnectionString, $"stop-{Guid.NewGuid():N}", $"stop-{Guid.NewGuid():N}");
        await silo.WaitReadyAsync();

        var elapsed = await TerminateAsync(silo);

        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"the silo took {elapsed.TotalSeconds:0.0} s to exit with Redis up");
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
