using Orleans.TestingHost;
using OrleansRedis.Abstractions.Probe;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Foundation;

/// <summary>Grain state lives in Redis, so it outlives the silo that wrote it, the whole cluster, and a Redis restart.</summary>
public sealed class StateSurvivalTests(RedisClusterFixture fixture) : IClassFixture<RedisClusterFixture>
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Get_AfterHostingSiloKilled_ReactivatesElsewhereWithState()
    {
        var key = $"kill-{Guid.NewGuid():N}";
        var written = await fixture.Grains.GetGrain<IStateProbeGrain>(key).SetAsync("survives a silo kill");
        var host = HostingSilo(written.Silo);

        await fixture.Cluster.KillSiloAsync(host);
        var read = await Eventually.SucceedsAsync(
            () => fixture.Grains.GetGrain<IStateProbeGrain>(key).GetAsync(), Recovery, "the probe answers after its silo died");
        await fixture.Cluster.StartAdditionalSiloAsync();

        Assert.Equal(("survives a silo kill", 1L), (read.Value, read.Version));
        Assert.NotEqual(written.Silo, read.Silo);
    }

    [Fact]
    public async Task Get_AfterAllSilosStoppedAndNewOnesStarted_StateIntact()
    {
        var key = $"restart-{Guid.NewGuid():N}";
        await fixture.Grains.GetGrain<IStateProbeGrain>(key).SetAsync("survives a full restart");

        await fixture.Cluster.StopAllSilosAsync();
        await fixture.Cluster.StartAdditionalSilosAsync(2);
        await fixture.Cluster.InitializeClientAsync();
        var read = await Eventually.SucceedsAsync(
            () => fixture.Grains.GetGrain<IStateProbeGrain>(key).GetAsync(), Recovery, "the probe answers on the new silos");

        Assert.Equal(("survives a full restart", 1L), (read.Value, read.Version));
    }

    [Fact]
    public async Task Calls_AfterRedisRestartUnderRunningCluster_SucceedWithStateAndNoSiloRestart()
    {
        var key = $"redis-restart-{Guid.NewGuid():N}";
        var probe = fixture.Grains.GetGrain<IStateProbeGrain>(key);
        await probe.SetAsync("survives a Redis restart");
        var silosBefore = fixture.Cluster.GetActiveSilos().Select(s => s.SiloAddress).ToHashSet();

        await fixture.Redis.ShutdownAsync();
        await fixture.Redis.RestartAsync();
        var written = await Eventually.SucceedsAsync(
            () => probe.SetAsync("written after the restart"), Recovery, "a write succeeds after Redis restarted");
        await fixture.Cluster.DeactivateAsync(probe);
        var read = await fixture.Grains.GetGrain<IStateProbeGrain>(key).GetAsync();

        Assert.Equal(2, written.Version);
        Assert.Equal(("written after the restart", 2L), (read.Value, read.Version));
        Assert.Equal(silosBefore, fixture.Cluster.GetActiveSilos().Select(s => s.SiloAddress).ToHashSet());
    }

    private SiloHandle HostingSilo(string siloAddress) =>
        fixture.Cluster.GetActiveSilos().Single(s => s.SiloAddress.ToString() == siloAddress);
}
