using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Foundation;

/// <summary>
/// <c>./run.sh</c> as a user runs it: it starts Redis and two silos that read the silo's appsettings.json, and Ctrl+C or
/// SIGTERM stops everything within 10 s.
/// </summary>
[Collection(RunScriptCollection.Name)]
public sealed class RunScriptTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(10);

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
}
