using System.Net;
using OrleansRedis.Bench.Harness;
using OrleansRedis.Testing;

namespace OrleansRedis.Bench.Scenarios;

/// <summary>
/// Starts <c>bench/OrleansRedis.Bench.CoHost</c> (an ASP.NET Core app that is also a silo, its own one-silo cluster on
/// the run's Redis) for one scenario and counts its CPU as <c>cohost</c> meanwhile: the run's two other silos take no
/// part and only idle, so they are left out of the CPU split until it stops.
/// </summary>
public static class CoHostProcess
{
    private static string HostDll => Path.Combine(RepositoryPaths.Root, "bench", "OrleansRedis.Bench.CoHost", "bin", "Release", "net10.0",
        "OrleansRedis.Bench.CoHost.dll");

    /// <summary>Runs <paramref name="measure"/> with an <see cref="HttpClient"/> on the co-host (cookies are the caller's to send).</summary>
    public static async Task<IReadOnlyList<BenchResult>> RunAsync(
        BenchEnvironment environment, Func<HttpClient, Task<IReadOnlyList<BenchResult>>> measure)
    {
        await using var host = SiloProcess.Start(
            environment.RedisConnectionString, $"cohost-{Guid.NewGuid():N}", $"cohost-{Guid.NewGuid():N}", ScenarioCatalog.SiloSettings, HostDll);
        await host.WaitReadyAsync();

        CpuMeter.Track("cohost", host.ProcessId);
        foreach (var silo in environment.Silos)
        {
            CpuMeter.Untrack(silo.ProcessId);
        }

        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseCookies = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{host.HttpPort}"),
        };
        try
        {
            return await measure(http);
        }
        finally
        {
            CpuMeter.Untrack(host.ProcessId);
            foreach (var silo in environment.Silos)
            {
                CpuMeter.Track("silos", silo.ProcessId);
            }
        }
    }

    /// <summary>Counts a rate-limit answer: 200 admitted, 429 denied; anything else is an error of <paramref name="path"/>.</summary>
    public static void CountDecision(HttpResponseMessage response, string path, ref long admitted, ref long total)
    {
        Interlocked.Increment(ref total);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            Interlocked.Increment(ref admitted);
        }
        else if (response.StatusCode != HttpStatusCode.TooManyRequests)
        {
            throw new HttpRequestException($"{path}: {(int)response.StatusCode}");
        }
    }
}
