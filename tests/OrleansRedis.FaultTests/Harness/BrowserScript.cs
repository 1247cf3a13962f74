using System.Diagnostics;
using OrleansRedis.Testing;

namespace OrleansRedis.FaultTests.Harness;

/// <summary>
/// Runs a script of <c>tests/browser</c> (headless Debian <c>chromium</c> driven by <c>playwright-core</c>, installed by
/// <c>tests/browser/install.sh</c>) and returns what it printed. The scripts exit 0 and print <c>OK</c> when what they
/// check held, and print <c>FAIL</c> and why otherwise.
/// </summary>
public static class BrowserScript
{
    /// <summary>Runs <paramref name="script"/> with <paramref name="arguments"/>; fails the test when the browser is missing.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string script, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var folder = Path.Combine(RepositoryPaths.Root, "tests", "browser");
        if (!File.Exists("/usr/bin/chromium") || !Directory.Exists(Path.Combine(folder, "node_modules", "playwright-core")))
        {
            // test.sh installs both; a machine without them fails here rather than passing unseen.
            Assert.Fail("chromium or playwright-core is not installed: run tests/browser/install.sh (test.sh does).");
        }

        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var node = Process.Start(info)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        try
        {
            await node.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            node.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish within {timeout}: {await output}{await errors}");
        }

        var text = await output + await errors;
        TestContext.Current.TestOutputHelper?.WriteLine(text);
        return (node.ExitCode, text);
    }
}
