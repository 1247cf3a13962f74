using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Foundation;

/// <summary>
/// <c>./run.sh</c> as a user runs it: it starts Redis and two silos that read the silo's appsettings.json, the
/// README's examples answer what the README says, and Ctrl+C or SIGTERM stops everything within 10 s.
/// </summary>
[Collection(RunScriptCollection.Name)]
public sealed class RunScriptTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task RunScript_ReadmeExamples_AnswerAsTheReadmeSays()
    {
        var examples = ReadmeExamples.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "README.md")));
        await using var cluster = await RunScriptCluster.StartAsync();

        var printed = await RunBashAsync(examples.Script, cluster.Home);

        var failures = new List<string>();
        for (var i = 0; i < examples.Examples.Count; i++)
        {
            var example = examples.Examples[i];
            var begin = printed.IndexOf(ReadmeExamples.Begin(i), StringComparison.Ordinal);
            var end = printed.IndexOf(ReadmeExamples.End(i), StringComparison.Ordinal);
            var answer = begin >= 0 && end > begin ? printed[(begin + ReadmeExamples.Begin(i).Length)..end] : null;
            failures.AddRange(answer is null
                ? [$"{example.Command}\n    did not run"]
                : example.Check(answer).Select(problem => $"{example.Command}\n    # → {example.Expectation}\n    {problem}; it printed:\n{answer.Trim()}"));
        }

        failures.AddRange(examples.Assigned.Where(name => printed.Contains($"@@unset {name}", StringComparison.Ordinal)).Select(name => $"{name} was not set"));
        output.WriteLine($"{examples.Examples.Count} README examples replayed, {failures.Count} failed");
        Assert.True(examples.Examples.Count >= 30, $"only {examples.Examples.Count} examples were found in the README");
        Assert.True(failures.Count == 0, $"{failures.Count} README examples do not answer as the README says:\n\n{string.Join("\n\n", failures)}");
    }

    [Fact]
    public async Task RunScript_SigintToProcessGroup_StopsSilosThenRedisWithin10s()
    {
        await using var cluster = await RunScriptCluster.StartAsync();
        var children = cluster.ChildProcessIds();

        var elapsed = await cluster.InterruptGroupAsync();
        output.WriteLine($"SIGINT to the process group: run.sh exited after {elapsed.TotalSeconds:0.00} s");

        Assert.Equal(3, children.Count);
        Assert.True(elapsed < StopBound, $"run.sh took {elapsed.TotalSeconds:0.0} s to stop after SIGINT to its process group");
        Assert.Contains("Stopped.", cluster.Output);
        Assert.DoesNotContain(children, IsRunning);
        await AssertFreeAsync(8080, 8081, cluster.RedisPort);
        AssertSilosLeftWithRedisUp(cluster);
    }

    [Fact]
    public async Task RunScript_Sigterm_StopsEverythingWithin10s()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await using var cluster = await RunScriptCluster.StartAsync();
        using var silo0 = await http.GetAsync("http://127.0.0.1:8080/health/ready");
        using var silo1 = await http.GetAsync("http://127.0.0.1:8081/health/ready");
        var children = cluster.ChildProcessIds();

        var elapsed = await cluster.TerminateAsync();
        output.WriteLine($"SIGTERM to run.sh: run.sh exited after {elapsed.TotalSeconds:0.00} s");

        Assert.Equal(HttpStatusCode.OK, silo0.StatusCode);
        Assert.Equal(HttpStatusCode.OK, silo1.StatusCode);
        Assert.True(elapsed < StopBound, $"run.sh took {elapsed.TotalSeconds:0.0} s to stop after SIGTERM");
        Assert.Contains("Stopped.", cluster.Output);
        Assert.DoesNotContain(children, IsRunning);
        await AssertFreeAsync(8080, 8081, cluster.RedisPort);
        AssertSilosLeftWithRedisUp(cluster);
    }

    // A silo that stopped after Redis could not write its status and says so; one that stopped first did not.
    private static void AssertSilosLeftWithRedisUp(RunScriptCluster cluster)
    {
        foreach (var log in new[] { "silo0.log", "silo1.log" }.Select(name => File.ReadAllText(Path.Combine(cluster.DataDirectory, "logs", name))))
        {
            Assert.DoesNotContain("updating status to", log, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Stopping took longer than", log, StringComparison.Ordinal);
        }
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static async Task AssertFreeAsync(params int[] ports)
    {
        foreach (var port in ports)
        {
            using var client = new TcpClient();
            await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, port));
        }
    }

    private static async Task<string> RunBashAsync(string script, string workingDirectory)
    {
        var info = new ProcessStartInfo("bash", ["-c", script])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var bash = Process.Start(info)!;
        var stdout = bash.StandardOutput.ReadToEndAsync();
        var stderr = bash.StandardError.ReadToEndAsync();
        await bash.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return await stdout + await stderr;
    }
}
