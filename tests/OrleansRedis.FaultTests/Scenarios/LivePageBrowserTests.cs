using System.Diagnostics;
using OrleansRedis.FaultTests.Harness;
using OrleansRedis.Testing;

namespace OrleansRedis.FaultTests.Scenarios;

/// <summary>
/// The live page in headless Chromium (Debian's <c>chromium</c>, driven by <c>playwright-core</c>; installed by
/// <c>tests/browser/install.sh</c>): it shows an event published over HTTP and, after the silo it was connected to is
/// killed, the events published meanwhile, reconnected to the other silo through the page's fallback list.
/// </summary>
public sealed class LivePageBrowserTests
{
    [Fact]
    public async Task LivePage_ShowsEvents_AndAfterItsSiloIsKilled_ShowsThoseOfTheMeantime()
    {
        var browser = Path.Combine(RepositoryPaths.Root, "tests", "browser");
        if (!File.Exists("/usr/bin/chromium") || !Directory.Exists(Path.Combine(browser, "node_modules", "playwright-core")))
        {
            // test.sh installs both; a machine without them fails here rather than passing unseen.
            Assert.Fail("chromium or playwright-core is not installed: run tests/browser/install.sh (test.sh does).");
        }

        await using var cluster = await FaultCluster.StartAsync(silos: 2);
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = browser,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "live-page.mjs", Trim(cluster.Silos[0].Http.BaseAddress!), Trim(cluster.Silos[1].Http.BaseAddress!),
            cluster.Silos[0].ProcessId.ToString(), $"room:browser{Guid.NewGuid():N}",
        })
        {
            info.ArgumentList.Add(argument);
        }

        using var node = Process.Start(info)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(180));
        var text = await output + await errors;
        TestContext.Current.TestOutputHelper?.WriteLine(text);

        Assert.True(node.ExitCode == 0, text);
        Assert.Contains("OK", text);
    }

    private static string Trim(Uri uri) => uri.ToString().TrimEnd('/');
}
