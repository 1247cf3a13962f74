namespace OrleansRedis.Bench.Queues;

/// <summary><c>OrleansRedis.Bench worker &lt;system&gt; --option value ...</c>: a queue benchmark's worker process.</summary>
public static class QueueWorkerCommand
{
    /// <summary>Runs the worker of <paramref name="system"/> until <c>stop</c> arrives on standard input.</summary>
    public static Task<int> RunAsync(string system, string[] arguments)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < arguments.Length; i += 2)
        {
            options[arguments[i].TrimStart('-')] = arguments[i + 1];
        }

        return system switch
        {
            "hangfire" => HangfireWorker.RunAsync(options),
            "orleansredis" => OrleansRedisWorker.RunAsync(options),
            _ => throw new ArgumentException($"Unknown queue system '{system}'."),
        };
    }
}
