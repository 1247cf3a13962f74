namespace OrleansRedis.Bench.Queues;

/// <summary>The systems the queue benchmark compares, in report order (the first is the ratio baseline).</summary>
public static class QueueSystems
{
    /// <summary>Starts every system, each on a fresh redis-server of its own.</summary>
    public static async Task<IReadOnlyList<QueueSystem>> StartAllAsync()
    {
        var only = Environment.GetEnvironmentVariable("BENCH_QUEUE_SYSTEMS")?.Split(',', StringSplitOptions.RemoveEmptyEntries);
        var systems = new List<QueueSystem>();
        foreach (var (name, start) in new (string, Func<Task<QueueSystem>>)[]
                 {
                     ("orleansredis", async () => await OrleansRedisQueueSystem.StartAsync()),
                     ("bullmq", async () => await BullMqSystem.StartAsync()),
                     ("hangfire", async () => await HangfireSystem.StartAsync()),
                 })
        {
            if (only is null || only.Contains(name))
            {
                systems.Add(await start());
            }
        }

        return systems;
    }
}
