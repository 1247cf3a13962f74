using System.Net;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Foundation;

/// <summary>
/// <c>./run.sh</c> as a user runs it: it starts Redis and two silos, answers ready on 8080 and 8081, and stops everything
/// it started on SIGTERM.
/// </summary>
[Collection(RunScriptCollection.Name)]
public sealed class RunScriptTests
{
    [Fact]
    public async Task RunScript_StartsTwoReadySilos_AndSigtermStopsEverything()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await using var cluster = await RunScriptCluster.StartAsync();

        using var silo0 = await http.GetAsync("http://127.0.0.1:8080/health/ready");
        using var silo1 = await http.GetAsync("http://127.0.0.1:8081/health/ready");
        await cluster.StopAsync();

        Assert.Equal(HttpStatusCode.OK, silo0.StatusCode);
        Assert.Equal(HttpStatusCode.OK, silo1.StatusCode);
        Assert.Contains("curl", cluster.Output);
        Assert.Contains("Stopped.", cluster.Output);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync("http://127.0.0.1:8080/health/live"));
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(async () =>
        {
            using var client = new System.Net.Sockets.TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, cluster.RedisPort);
        });
    }
}
