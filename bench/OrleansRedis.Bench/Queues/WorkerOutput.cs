namespace OrleansRedis.Bench.Queues;

/// <summary>The worker side of <see cref="WorkerProcess"/>'s line protocol, shared by the .NET worker processes.</summary>
public static class WorkerOutput
{
    private static readonly object Gate = new();

    /// <summary>Writes one line and flushes it, so a SIGKILL right after loses nothing that was printed.</summary>
    public static void Line(string line)
    {
        lock (Gate)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }

    /// <summary>Prints READY and COUNT samples every 200 ms until <c>stop</c> (or end of input), then stops the worker.</summary>
    public static async Task<int> RunAsync(Func<long> total, Action stop)
    {
        Line("READY");
        using var stopping = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
            while (await timer.WaitForNextTickAsync(stopping.Token).AsTask().ContinueWith(t => !t.IsCanceled && t.Result))
            {
                Line($"COUNT {total()} {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}");
            }
        });
        while (await Console.In.ReadLineAsync() is { } line && line.Trim() != "stop")
        {
        }

        await stopping.CancelAsync();
        await sampler;
        stop();
        Line($"STOPPED {total()}");
        return 0;
    }
}
