using System.Diagnostics;
using HdrHistogram;

namespace OrleansRedis.Bench.Harness;

/// <summary>Drives an operation from many concurrent workers for a fixed time and records every latency.</summary>
public static class LoadRunner
{
    /// <summary>
    /// Runs <paramref name="operation"/> (given the worker index and a per-worker sequence number) from
    /// <paramref name="workers"/> concurrent loops for <paramref name="duration"/> after a short warm-up.
    /// Failed operations are counted, not timed.
    /// </summary>
    public static async Task<BenchResult> RunAsync(
        string scenario, string variant, int workers, TimeSpan duration, Func<int, long, Task> operation, string notes = "")
    {
        await RunLoopsAsync(workers, TimeSpan.FromSeconds(Math.Min(2, duration.TotalSeconds / 5)), operation, null);

        var histogram = new LongConcurrentHistogram(1, TimeStamp.Seconds(60), 3);
        var cpuBefore = CpuMeter.Read();
        var timer = Stopwatch.StartNew();
        var (operations, errors) = await RunLoopsAsync(workers, duration, operation, histogram);
        var elapsed = timer.Elapsed.TotalSeconds;
        var cpu = cpuBefore.Until(CpuMeter.Read());

        var allNotes = errors > 0 ? $"{notes} errors={errors}".Trim() : notes;
        return new BenchResult(
            scenario, variant, operations, operations / elapsed,
            Micros(histogram, 50), Micros(histogram, 99), Micros(histogram, 99.9), allNotes)
        {
            Cpu = CpuPerOperation.From(cpu, operations),
        };
    }

    private static async Task<(long Operations, long Errors)> RunLoopsAsync(
        int workers, TimeSpan duration, Func<int, long, Task> operation, LongConcurrentHistogram? histogram)
    {
        long operations = 0, errors = 0;
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var loops = Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            for (long sequence = 0; Stopwatch.GetTimestamp() < stopAt; sequence++)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await operation(worker, sequence);
                    histogram?.RecordValue(Stopwatch.GetTimestamp() - start);
                    Interlocked.Increment(ref operations);
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        await Task.WhenAll(loops);
        return (operations, errors);
    }

    private static double Micros(HistogramBase histogram, double percentile) =>
        histogram.TotalCount == 0 ? 0 : histogram.GetValueAtPercentile(percentile) * 1_000_000.0 / Stopwatch.Frequency;
}
