using OrleansRedis.FaultTests.Harness;

namespace OrleansRedis.FaultTests.Scenarios;

/// <summary>
/// The live page in headless Chromium (<see cref="BrowserScript"/>, <c>tests/browser/live-page.mjs</c>): it shows an
/// event published over HTTP and, after the silo it was connected to is killed, the events published meanwhile,
/// reconnected to the other silo through the page's fallback list.
/// </summary>
public sealed class LivePageBrowserTests
{
    [Fact]
    public async Task LivePage_ShowsEvents_AndAfterItsSiloIsKilled_ShowsThoseOfTheMeantime()
    {
        await using var cluster = await FaultCluster.StartAsync(silos: 2);

        var (exitCode, text) = await BrowserScript.RunAsync("live-page.mjs", [
            Trim(cluster.Silos[0].Http.BaseAddress!), Trim(cluster.Silos[1].Http.BaseAddress!),
            cluster.Silos[0].ProcessId.ToString(), $"room:browser{Guid.NewGuid():N}",
        ], TimeSpan.FromSeconds(180));

        Assert.True(exitCode == 0, text);
        Assert.Contains("OK", text);
    }

    private static string Trim(Uri uri) => uri.ToString().TrimEnd('/');
}
