using OrleansRedis.FaultTests.Harness;
using OrleansRedis.Testing;

namespace OrleansRedis.FaultTests.Scenarios;

/// <summary>
/// The sample web app (<c>samples/OrleansRedis.WebApp</c>, built from the packed packages by <c>tests/pack-check.sh</c>)
/// in headless Chromium (<see cref="BrowserScript"/>, <c>tests/browser/sample-app.mjs</c>): two instances share one
/// Redis, and two browser contexts of one user log in, one on each. The first loads the rate-limited page until it
/// answers 429 with Retry-After (after exactly 5 loads), then clicks "Sign out everywhere"; the other's next page
/// load is the login page.
/// </summary>
public sealed class SampleWebAppBrowserTests
{
    [Fact]
    public async Task SampleApp_TwoInstances_LimitSeen_SignOutEverywhereInOneBrowser_OtherBrowsersNextLoadIsLogin()
    {
        // Throws, naming tests/pack-check.sh, when the sample was not built from the packages.
        _ = RepositoryPaths.WebAppDll;
        await using var redis = await RedisServer.StartAsync();
        var (clusterId, serviceId) = ($"webapp-{Guid.NewGuid():N}", $"webapp-{Guid.NewGuid():N}");
        // The sample's 5 per 10 s, over a minute instead: on a loaded machine 6 page loads may take longer than 10 s, and
        // the window would roll over before the limit is seen (a limit that does not hold would still admit the 6th).
        var window = new Dictionary<string, string> { ["OrleansRedis__RateLimits__Policies__reports__Window"] = "00:01:00" };
        await using var a = SiloProcess.StartWebApp(redis.ConnectionString, clusterId, serviceId, "instance-a", window);
        await using var b = SiloProcess.StartWebApp(redis.ConnectionString, clusterId, serviceId, "instance-b", window);
        await Task.WhenAll(a.WaitReadyAsync(), b.WaitReadyAsync());

        var (exitCode, text) = await BrowserScript.RunAsync("sample-app.mjs", [
            $"http://127.0.0.1:{a.HttpPort}", $"http://127.0.0.1:{b.HttpPort}", $"ada{Guid.NewGuid():N}",
        ], TimeSpan.FromSeconds(120));

        Assert.True(exitCode == 0, $"{text}\n--- instance A:\n{a.Output}\n--- instance B:\n{b.Output}");
        Assert.Contains("OK", text);
    }
}
