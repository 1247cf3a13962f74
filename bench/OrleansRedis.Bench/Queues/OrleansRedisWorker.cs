using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansRedis.Client.Hosting;
using OrleansRedis.Client.Queues;

namespace OrleansRedis.Bench.Queues;

/// <summary>The worker process of this project's queue: an external Orleans client running the .NET <see cref="QueueWorker"/>.</summary>
public static class OrleansRedisWorker
{
    private static long _total;

    /// <summary>Runs until <c>stop</c> arrives on standard input.</summary>
    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string> options)
    {
        var workMs = int.Parse(options["work-ms"]);
        var report = options["report"];
        // The QueueWorker resolves its queue grain when it is constructed, which needs the cluster's manifest: the
        // client runs in a host of its own, connected before the worker's host is built.
        var clientBuilder = Host.CreateApplicationBuilder();
        clientBuilder.Logging.ClearProviders();
        clientBuilder.Services.AddOrleansRedisClient(o =>
        {
            o.RedisState = options["redis"];
            o.ClusterId = options["cluster"];
            o.ServiceId = options["service"];
        });
        using var client = clientBuilder.Build();
        await client.StartAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(client.Services.GetRequiredService<IGrainFactory>());
        builder.Services.AddOrleansRedisQueueWorker(options["queue"], o =>
        {
            o.Concurrency = int.Parse(options["concurrency"]);
            o.LeaseTime = TimeSpan.FromMilliseconds(int.Parse(options["visibility-ms"]));
            // BENCH_QUEUE_RELAYS=0: the control that calls every partition through whichever gateway the client gave it.
            o.UsePartitionRelays = Environment.GetEnvironmentVariable("BENCH_QUEUE_RELAYS") != "0";
        }, async (context, _) =>
        {
            var (id, t0) = BenchJob.Read(context.Payload);
            if (report is "start" or "ran")
            {
                WorkerOutput.Line($"START {id} {QueueSystem.NowUs() - t0}");
            }

            if (workMs > 0)
            {
                await Task.Delay(workMs);
            }

            Interlocked.Increment(ref _total);
            if (report == "ran")
            {
                WorkerOutput.Line($"RAN {id}");
            }
        });
        using var host = builder.Build();
        await host.StartAsync();
        return await WorkerOutput.RunAsync(() => Interlocked.Read(ref _total), () => host.StopAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult());
    }
}
