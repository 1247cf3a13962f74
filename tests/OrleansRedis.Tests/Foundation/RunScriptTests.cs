using System.Diagnostics;
using System.Net;
using System.Text;
using OrleansRedis.Testing;

namespace OrleansRedis.Tests.Foundation;

/// <summary>
/// <c>./run.sh</c> as a user runs it: it starts Redis and two silos, answers ready on 8080 and 8081, and stops everything
/// it started on SIGTERM.
/// </summary>
public sealed class RunScriptTests
{
    [Fact]
    public async Task RunScript_StartsTwoReadySilos_AndSigtermStopsEverything()
    {
        var redisPort = FreePort.Next();
        var output = new StringBuilder();
        var info = new ProcessStartInfo("bash", [Path.Combine(RepositoryPaths.Root, "run.sh"), "--silos", "2"])
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["REDIS_PORT"] = redisPort.ToString();
        using var script = Process.Start(info)!;
        script.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        script.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        script.BeginOutputReadLine();
        script.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            await Eventually.TrueAsync(() => Task.FromResult(Printed(output, "OrleansRedis is ready")), TimeSpan.FromMinutes(3), "run.sh reports ready");
            using var silo0 = await http.GetAsync("http://127.0.0.1:8080/health/ready");
            using var silo1 = await http.GetAsync("http://127.0.0.1:8081/health/ready");

            Assert.Equal(HttpStatusCode.OK, silo0.StatusCode);
            Assert.Equal(HttpStatusCode.OK, silo1.StatusCode);
            Assert.Contains("curl", Printed(output));
        }
        finally
        {
            Process.Start("kill", ["-TERM", script.Id.ToString()])!.WaitForExit();
            await script.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        }

        Assert.True(Printed(output, "Stopped."), Printed(output));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync("http://127.0.0.1:8080/health/live"));
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(async () =>
        {
            using var client = new System.Net.Sockets.TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, redisPort);
        });
    }

    private static bool Printed(StringBuilder output, string text)
    {
        lock (output)
        {
            return output.ToString().Contains(text, StringComparison.Ordinal);
        }
    }

    private static string Printed(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
