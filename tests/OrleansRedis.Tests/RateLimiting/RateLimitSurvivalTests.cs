using OrleansRedis.Abstractions.RateLimiting;
using OrleansRedis.Testing;

namespace OrleansRedis.Tests.RateLimiting;

/// <summary>The window lives in Redis, so the count outlives the silo hosting the grain and the whole cluster.</summary>
public sealed class RateLimitSurvivalTests(RateLimitClusterFixture fixture) : IClassFixture<RateLimitClusterFixture>
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(60);
    private static readonly string[] Policies = ["log-durable", "counter-durable", "gcra-durable"];

    [Fact]
    public async Task Check_AfterHostingSiloKilledMidWindow_SeesTheEarlierRequests()
    {
        var subject = $"kill-{Guid.NewGuid():N}";
        await SpendAsync(subject, 15);
        var management = fixture.Grains.GetGrain<IManagementGrain>(0);
        var host = await management.GetActivationAddress(fixture.Grains.GetRateLimitGrain(Policies[0], subject));
        Assert.NotNull(host);

        await fixture.Cluster.KillSiloAsync(fixture.Cluster.GetActiveSilos().Single(s => s.SiloAddress.Equals(host)));
        await AssertSpentAsync(subject, 15);
        var newHost = await Eventually.SucceedsAsync(
            () => fixture.Grains.GetGrain<IManagementGrain>(0).GetActivationAddress(fixture.Grains.GetRateLimitGrain(Policies[0], subject)).AsTask(),
            Recovery, "the management grain answers");
        await fixture.Cluster.StartAdditionalSiloAsync();

        Assert.NotEqual(host, newHost);
    }

    [Fact]
    public async Task Check_AfterAllSilosStoppedAndNewOnesStarted_SeesTheEarlierRequests()
    {
        var subject = $"restart-{Guid.NewGuid():N}";
        await SpendAsync(subject, 15);

        await fixture.Cluster.StopAllSilosAsync();
        await fixture.Cluster.StartAdditionalSilosAsync(2);
        await fixture.Cluster.InitializeClientAsync();

        await AssertSpentAsync(subject, 15);
    }

    private async Task SpendAsync(string subject, int cost)
    {
        foreach (var policy in Policies)
        {
            Assert.True((await fixture.Grains.GetRateLimitGrain(policy, subject).CheckAsync(cost)).Allowed);
        }
    }

    // 20 units per 5 minutes, 15 spent: the next check sees 5 left, denies 6 and admits 5.
    private async Task AssertSpentAsync(string subject, int spent)
    {
        foreach (var policy in Policies)
        {
            var peek = await Eventually.SucceedsAsync(
                () => fixture.Grains.GetRateLimitGrain(policy, subject).PeekAsync(), Recovery, $"the {policy} grain answers again");
            var tooMuch = await fixture.Grains.GetRateLimitGrain(policy, subject).CheckAsync(20 - spent + 1);
            var rest = await fixture.Grains.GetRateLimitGrain(policy, subject).CheckAsync(20 - spent);

            Assert.Equal((20L - spent, false), (peek.Remaining, peek.Degraded));
            Assert.False(tooMuch.Allowed, $"{policy}: the requests made before the silos went away were forgotten");
            Assert.True(rest.Allowed, $"{policy}: the remaining units were not admitted");
        }
    }
}
