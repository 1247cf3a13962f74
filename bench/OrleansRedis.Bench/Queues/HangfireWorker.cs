using Hangfire;
using Hangfire.Redis.StackExchange;

namespace OrleansRedis.Bench.Queues;

/// <summary>The job Hangfire runs: reports as the worker's <c>--report</c> says, after <c>--work-ms</c> of work.</summary>
public static class HangfireJobs
{
    private static long _total;

    /// <summary>Gets or sets what each job prints (<c>count</c>, <c>start</c> or <c>ran</c>).</summary>
    public static string Report { get; set; } = "count";

    /// <summary>Gets or sets the time each job takes.</summary>
    public static int WorkMs { get; set; }

    /// <summary>Gets the number of jobs run in this process.</summary>
    public static long Total => Interlocked.Read(ref _total);

    /// <summary>The job: <paramref name="id"/> was enqueued at <paramref name="t0"/> (unix µs).</summary>
    public static async Task RunAsync(string id, long t0)
    {
        if (Report is "start" or "ran")
        {
            WorkerOutput.Line($"START {id} {QueueSystem.NowUs() - t0}");
        }

        if (WorkMs > 0)
        {
            await Task.Delay(WorkMs);
        }

        Interlocked.Increment(ref _total);
        if (Report == "ran")
        {
            WorkerOutput.Line($"RAN {id}");
        }
    }
}

/// <summary>The Hangfire worker process: a <see cref="BackgroundJobServer"/> with the benchmark's settings.</summary>
public static class HangfireWorker
{
    /// <summary>Applies the serializer settings both the client and the worker use.</summary>
    public static void ConfigureGlobal() =>
        GlobalConfiguration.Configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings();

    /// <summary>Opens the storage under <paramref name="prefix"/>.</summary>
    public static RedisStorage Storage(string redis, string prefix, TimeSpan invisibility) =>
        new(redis, new RedisStorageOptions { Prefix = prefix, InvisibilityTimeout = invisibility });

    /// <summary>Runs until <c>stop</c> arrives on standard input.</summary>
    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string> options)
    {
        ConfigureGlobal();
        HangfireJobs.Report = options["report"];
        HangfireJobs.WorkMs = int.Parse(options["work-ms"]);
        var storage = Storage(options["redis"], options["prefix"], TimeSpan.FromMilliseconds(int.Parse(options["visibility-ms"])));
        using var server = new BackgroundJobServer(new BackgroundJobServerOptions
        {
            WorkerCount = int.Parse(options["concurrency"]),
            ServerName = $"bench-{Environment.ProcessId}",
        }, storage);
        return await WorkerOutput.RunAsync(() => HangfireJobs.Total, () => server.SendStop());
    }
}
