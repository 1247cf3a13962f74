using System.Diagnostics;
using System.Net;
using System.Text;
using OrleansRedis.Testing;

namespace OrleansRedis.Tests.Foundation;

/// <summary>
/// The silo reads the appsettings.json beside its dll wherever it is started from, as the README's "by hand" start
/// does from the repository root: the shipped <c>demo</c> policy exists and the file's logging levels apply.
/// </summary>
public sealed class SiloContentRootTests
{
    [Fact]
    public async Task SiloStartedFromRepositoryRoot_UsesAppsettingsBesideTheDll()
    {
        await using var redis = await RedisServer.StartAsync();
        var httpPort = FreePort.Next();
        var info = new ProcessStartInfo("dotnet", [RepositoryPaths.SiloDll])
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["OrleansRedis__Redis__State"] = redis.ConnectionString;
        info.Environment["OrleansRedis__Cluster__ClusterId"] = $"root-{Guid.NewGuid():N}";
        info.Environment["OrleansRedis__Cluster__ServiceId"] = $"root-{Guid.NewGuid():N}";
        info.Environment["OrleansRedis__Cluster__SiloPort"] = FreePort.Next().ToString();
        info.Environment["OrleansRedis__Cluster__GatewayPort"] = FreePort.Next().ToString();
        info.Environment["OrleansRedis__Http__Port"] = httpPort.ToString();
        info.Environment["OrleansRedis__Database__ConnectionString"] = $"Data Source={Path.Combine(Path.GetTempPath(), $"root-{Guid.NewGuid():N}.db")}";
        var output = new StringBuilder();
        using var silo = Process.Start(info)!;
        silo.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        silo.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        silo.BeginOutputReadLine();
        silo.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(15) };
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                using var ready = await http.GetAsync("/health/ready");
                return ready.IsSuccessStatusCode;
            }, TimeSpan.FromSeconds(90), "the silo started from the repository root is ready");

            using var admitted = await http.PostAsync($"/ratelimit/demo/root-{Guid.NewGuid():N}", null);
            string printed;
            lock (output)
            {
                printed = output.ToString();
            }

            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
            Assert.Contains("Content root path: " + Path.GetDirectoryName(RepositoryPaths.SiloDll), printed, StringComparison.Ordinal);

            // appsettings.json sets Microsoft.AspNetCore to Warning: without it every request logs at Information.
            Assert.DoesNotContain("info: Microsoft.AspNetCore.", printed, StringComparison.Ordinal);
        }
        finally
        {
            silo.Kill(entireProcessTree: true);
            await silo.WaitForExitAsync();
        }
    }
}
