using System.Diagnostics;
using System.Globalization;
using HdrHistogram;
using OrleansRedis.Bench.Harness;
using OrleansRedis.Bench.Queues;
using OrleansRedis.Testing;

namespace OrleansRedis.Bench.Scenarios;

/// <summary>
/// Job queues side by side: this project's queue, BullMQ 6.7.0 and Hangfire 1.8.25 (Hangfire.Redis.StackExchange
/// 1.12.0), each on a fresh redis-server of its own with the same settings (AOF everysec, noeviction), measured in
/// turn within each repetition so that drifting machine load hits them alike. Figures are medians over the
/// repetitions. Measures: enqueue jobs/s one job per call and 50 per call; processing jobs/s of no-op jobs at
/// concurrency 1 and 100 (a prefilled queue drained by one fresh worker process, measured after a warm-up, with the
/// cold start reported beside); enqueue-to-start latency on an idle queue; and a worker process SIGKILLed mid-run,
/// counting jobs never run (lost) and run twice (duplicated).
/// </summary>
/// <param name="systems">Starts the systems to compare; the first is the baseline of the ratio column.</param>
public sealed class QueueScenario(Func<Task<IReadOnlyList<QueueSystem>>> systems) : IBenchmarkScenario
{
    private const int LatencyJobs = 200;
    private const int LatencyWarmup = 20;
    private const int KillJobs = 4000;
    private const int KillConcurrency = 20;
    private const int KillWorkMs = 10;
    private const int VisibilityMs = 10_000;
    private static readonly TimeSpan LatencyGap = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan KillDeadline = TimeSpan.FromSeconds(75);
    private static readonly TimeSpan ProcessingWarmUp = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan ColdWindow = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public string Name => "queues";

    /// <inheritdoc />
    public async Task<IReadOnlyList<BenchResult>> RunAsync(BenchEnvironment environment, BenchSettings settings)
    {
        var started = await systems();
        try
        {
            var results = new List<BenchResult>();
            results.AddRange(await RepeatAsync(settings.Repeats, started, "queue-enqueue-one", (s, run) => s.MeasureEnqueueAsync("queue-enqueue-one", 1, settings.Workers, settings.Duration),
                $"{settings.Workers} callers, one job per call"));
            results.AddRange(await RepeatAsync(settings.Repeats, started, "queue-enqueue-bulk-50", (s, run) => s.MeasureEnqueueAsync("queue-enqueue-bulk-50", 50, 8, settings.Duration),
                "8 callers, 50 jobs per call; ops/s counts jobs, latency is per call"));
            results.AddRange(await RepeatAsync(settings.Repeats, started, "queue-process-c1", (s, run) => ProcessAsync(s, "queue-process-c1", 1, 80_000, settings.Duration),
                $"one worker process, concurrency 1, no-op jobs from a prefilled queue; measured after a {ProcessingWarmUp.TotalSeconds:0} s warm-up"));
            results.AddRange(await RepeatAsync(settings.Repeats, started, "queue-process-c100", (s, run) => ProcessAsync(s, "queue-process-c100", 100, 300_000, settings.Duration),
                $"one worker process, concurrency 100, no-op jobs from a prefilled queue; measured after a {ProcessingWarmUp.TotalSeconds:0} s warm-up"));
            results.AddRange(await RepeatAsync(settings.Repeats, started, "queue-latency-idle", (s, run) => LatencyAsync(s, "queue-latency-idle"),
                $"enqueue-to-start of {LatencyJobs} jobs sent one at a time to an idle worker, each {LatencyGap.TotalMilliseconds:0} ms after the previous one started, after {LatencyWarmup} such jobs not counted; ops/s = jobs started per second"));
            results.AddRange(await RepeatAsync(settings.Repeats, started, "queue-kill-worker", (s, run) => KillAsync(s, "queue-kill-worker"),
                $"{KillJobs} jobs of {KillWorkMs} ms, worker concurrency {KillConcurrency}, SIGKILL at 30% then a new worker; visibility/lock/lease {VisibilityMs / 1000} s; deadline {KillDeadline.TotalSeconds:0} s after the kill"));
            return results;
        }
        finally
        {
            foreach (var system in started)
            {
                await system.DisposeAsync();
            }
        }
    }

    // Runs the measurement `repeats` times over every system in turn, then reports each system's median.
    private static async Task<IReadOnlyList<BenchResult>> RepeatAsync(
        int repeats, IReadOnlyList<QueueSystem> systems, string scenario, Func<QueueSystem, string, Task<BenchResult>> measure, string notes)
    {
        var runs = systems.ToDictionary(s => s, _ => new List<BenchResult>());
        if (Environment.GetEnvironmentVariable("BENCH_QUEUE_MEASURES")?.Split(',', StringSplitOptions.RemoveEmptyEntries) is { } only
            && !only.Contains(scenario, StringComparer.Ordinal))
        {
            return [];
        }

        for (var repeat = 0; repeat < repeats; repeat++)
        {
            foreach (var system in systems)
            {
                var run = $"{scenario}-{repeat}";
                await system.ResetAsync(run);
                var cpu = system.ServerProcesses.Select(p => (p.Label, Cpu: CpuTime.Sample(p.ProcessId))).ToList();
                BenchResult result;
                try
                {
                    result = await measure(system, run);
                }
                catch (Exception ex)
                {
                    // One failed run (a timeout on a loaded machine) is reported and left out of the median.
                    Console.WriteLine($"   [{scenario} #{repeat + 1}] {system.Name}: failed: {ex.GetType().Name}: {ex.Message}");
                    continue;
                }

                {
                    var used = string.Join(", ", cpu.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Label} {c.Cpu.Elapsed():0.0}")));
                    result = result with { Notes = $"{result.Notes}; CPU s: {used}".TrimStart(';', ' ') };
                    runs[system].Add(result);
                    Console.WriteLine($"   [{scenario} #{repeat + 1}] {system.Name,-55} {result.OpsPerSecond,10:0}/s p50 {result.P50Us,8:0} µs p99 {result.P99Us,8:0} µs {result.Notes}");
                }
            }
        }

        return systems.Where(s => runs[s].Count > 0).Select(s => Median(scenario, s.Name, runs[s], notes)).ToList();
    }

    private static BenchResult Median(string scenario, string variant, List<BenchResult> runs, string notes)
    {
        static double Med(IEnumerable<double> values)
        {
            var sorted = values.OrderBy(v => v).ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        }

        var text = string.Create(CultureInfo.InvariantCulture,
            $"median of {runs.Count} runs (jobs/s {runs.Min(r => r.OpsPerSecond):0}-{runs.Max(r => r.OpsPerSecond):0}); {notes}; runs: {string.Join(" | ", runs.Select(r => r.Notes))}");
        return new BenchResult(scenario, variant, (long)Med(runs.Select(r => (double)r.Operations)), Med(runs.Select(r => r.OpsPerSecond)),
            Med(runs.Select(r => r.P50Us)), Med(runs.Select(r => r.P99Us)), Med(runs.Select(r => r.P999Us)), text);
    }

    // Prefills the queue, then lets one fresh worker process drain it. The rate is measured over `duration` after a
    // warm-up of ProcessingWarmUp from the first job run: a fresh .NET worker (and silo code paths that the prefill did
    // not run) spend their first seconds in the tiered JIT, which on two cores took half the machine for about 15 s,
    // so a measure straight after start-up compares JIT warm-ups, not queues. What the cold start costs is reported
    // too: the rate over the first ColdWindow after the first job.
    //
    // A queue that runs dry before the measured phase ends gives no steady figure: the run is repeated on the same queue
    // (drained, so empty) with a prefill three times larger, at most twice. The machines this runs on differ by 2x, so a
    // prefill sized for the slow one (300,000 jobs for concurrency 100 lasted 40 s there) drained in 20 s on the fast one.
    private static async Task<BenchResult> ProcessAsync(QueueSystem system, string scenario, int concurrency, int prefill, TimeSpan duration)
    {
        for (var attempt = 0; ; attempt++)
        {
            var (result, ranDry) = await ProcessOnceAsync(system, scenario, concurrency, prefill, duration, $"p{attempt}-");
            if (!ranDry || attempt == 2)
            {
                return result;
            }

            Console.WriteLine($"   [{scenario}] {system.Name}: {prefill} jobs ran dry before the measured phase ended; again with {prefill * 3}");
            prefill *= 3;
        }
    }

    private static async Task<(BenchResult Result, bool RanDry)> ProcessOnceAsync(
        QueueSystem system, string scenario, int concurrency, int prefill, TimeSpan duration, string prefix)
    {
        await system.PrefillAsync(prefill, prefix);
        await using var worker = await system.StartWorkerAsync(new WorkerSpec(concurrency, 0, "count"));

        // Hangfire's server takes seconds to start its workers: the clock starts at the first job run.
        await Eventually.TrueAsync(() => Task.FromResult(worker.Count > 0), TimeSpan.FromSeconds(60), "the worker runs its first job");
        var clock = Stopwatch.StartNew();
        await WaitAsync(worker, clock, ProcessingWarmUp, prefill);

        // CPU per job is charged over the measured phase only (after the warm-up, not the prefill): each process's CPU
        // time read from /proc before and after, divided by the jobs the worker ran in between.
        (string Label, int ProcessId)[] processes = [.. system.ServerProcesses, ("worker", worker.ProcessId)];
        var cpuBefore = Array.ConvertAll(processes, p => CpuTime.Seconds(p.ProcessId));
        var countBefore = worker.Count;
        await WaitAsync(worker, clock, ProcessingWarmUp + duration, prefill);
        var cpuAfter = Array.ConvertAll(processes, p => CpuTime.Seconds(p.ProcessId));
        var countAfter = worker.Count;
        var workerCpu = cpuAfter[^1];
        var perJob = countAfter > countBefore
            ? string.Join(", ", processes.Select((p, i) => string.Create(CultureInfo.InvariantCulture, $"{p.Label} {(cpuAfter[i] - cpuBefore[i]) * 1e6 / (countAfter - countBefore):0}"))
                .Append(string.Create(CultureInfo.InvariantCulture, $"total {(cpuAfter.Sum() - cpuBefore.Sum()) * 1e6 / (countAfter - countBefore):0}")))
            : "no jobs in the measured phase";
        await worker.StopAsync(TimeSpan.FromSeconds(20));
        var samples = worker.Counts.Where(c => c.Count > 0).ToList();
        if (samples.Count < 2)
        {
            return (new BenchResult(scenario, system.Name, 0, 0, 0, 0, 0, "no jobs processed"), false);
        }

        var first = samples[0];
        var cold = Rate(first, samples.LastOrDefault(c => c.UnixMs <= first.UnixMs + (long)ColdWindow.TotalMilliseconds, first));
        var from = samples.FirstOrDefault(c => c.UnixMs >= first.UnixMs + (long)ProcessingWarmUp.TotalMilliseconds);
        var until = samples.FirstOrDefault(c => c.Count >= prefill);
        if (until == default)
        {
            until = samples[^1];
        }

        if (from == default || from.Count >= prefill)
        {
            // The queue ran dry within the warm-up: no steady-state figure (the prefill is too small for this system).
            return (new BenchResult(scenario, system.Name, 0, 0, 0, 0, 0,
                string.Create(CultureInfo.InvariantCulture, $"{prefill} jobs drained within the {ProcessingWarmUp.TotalSeconds:0} s warm-up; cold (first {ColdWindow.TotalSeconds:0} s) {cold:0} jobs/s")), true);
        }

        var ranDry = until.Count >= prefill && until.UnixMs - first.UnixMs < (long)(ProcessingWarmUp + duration).TotalMilliseconds;
        var drained = until.Count >= prefill ? $"queue drained after {(until.UnixMs - first.UnixMs) / 1000.0:0.0} s" : $"{until.Count} of {prefill} run";
        return (new BenchResult(scenario, system.Name, until.Count - from.Count, Rate(from, until), 0, 0, 0,
            string.Create(CultureInfo.InvariantCulture,
                $"prefill {prefill}; cold (first {ColdWindow.TotalSeconds:0} s) {cold:0} jobs/s; {drained}; worker CPU {workerCpu:0.0} s; CPU µs per job (measured phase): {perJob}")), ranDry);
    }

    private static double Rate((long Count, long UnixMs) from, (long Count, long UnixMs) until) =>
        until.UnixMs > from.UnixMs ? (until.Count - from.Count) * 1000.0 / (until.UnixMs - from.UnixMs) : 0;

    private static async Task WaitAsync(WorkerProcess worker, Stopwatch clock, TimeSpan until, int prefill)
    {
        while (clock.Elapsed < until && worker.Count < prefill)
        {
            await Task.Delay(100);
        }
    }

    private static async Task<BenchResult> LatencyAsync(QueueSystem system, string scenario)
    {
        await using var worker = await system.StartWorkerAsync(new WorkerSpec(10, 0, "start"));
        var timer = Stopwatch.StartNew();
        await system.SendPacedAsync(LatencyWarmup + LatencyJobs, LatencyGap, id => Eventually.TrueAsync(
            () => Task.FromResult(worker.Started.ContainsKey(id)), TimeSpan.FromSeconds(30), $"job {id} started"));
        var elapsed = timer.Elapsed.TotalSeconds;
        await worker.StopAsync(TimeSpan.FromSeconds(20));
        var histogram = new LongHistogram(1, 60_000_000, 3);
        // The first jobs of a fresh worker (and for the .NET systems, code not yet compiled by the tiered JIT) measure
        // start-up, not an idle queue: every system gets the same warm-up, left out.
        foreach (var (id, latency) in Starts(worker))
        {
            if (int.Parse(id.AsSpan(1), CultureInfo.InvariantCulture) >= LatencyWarmup)
            {
                histogram.RecordValue(Math.Max(1, latency));
            }
        }

        return new BenchResult(scenario, system.Name, histogram.TotalCount, (LatencyWarmup + LatencyJobs) / elapsed,
            histogram.GetValueAtPercentile(50), histogram.GetValueAtPercentile(99), histogram.GetValueAtPercentile(99.9),
            string.Create(CultureInfo.InvariantCulture, $"max {histogram.GetMaxValue() / 1000.0:0.0} ms"));
    }

    private static List<(string Id, long Latency)> Starts(WorkerProcess worker) =>
        worker.Lines.Where(l => l.StartsWith("START ", StringComparison.Ordinal))
            .Select(l => l.Split(' ')).Select(p => (p[1], long.Parse(p[2], CultureInfo.InvariantCulture))).ToList();

    // A worker is SIGKILLed once 30% of the jobs have run; a second worker then runs what is left. Lost = jobs the
    // system's own completion records lack by the deadline (or that no worker ran to the end, if fewer);
    // started twice = starts beyond the first of a job (the jobs in flight at the kill, redelivered: at least once);
    // ran twice = jobs run to the end twice (work repeated after it was done).
    private static async Task<BenchResult> KillAsync(QueueSystem system, string scenario)
    {
        await system.PrefillAsync(KillJobs, "k");
        var spec = new WorkerSpec(KillConcurrency, KillWorkMs, "ran", VisibilityMs);
        var timer = Stopwatch.StartNew();
        await using var first = await system.StartWorkerAsync(spec);
        await Eventually.TrueAsync(() => Task.FromResult(first.Ran.Count >= KillJobs * 3 / 10), TimeSpan.FromSeconds(120), "30% of the jobs ran");
        await first.KillAsync();
        var killedAt = timer.Elapsed;
        var all = Stopwatch.StartNew(); // from the kill: the new worker's start-up counts
        await using var second = await system.StartWorkerAsync(spec);
        var recorded = 0L;
        while (all.Elapsed < KillDeadline && (Distinct(first.Ran, second.Ran) < KillJobs || recorded < KillJobs))
        {
            // The system's records are read once the workers say every job ran (BullMQ's are read by a node process).
            await Task.Delay(100);
            if (Distinct(first.Ran, second.Ran) >= KillJobs)
            {
                recorded = await system.CompletedAsync();
            }
        }

        var recovered = all.Elapsed;
        await second.StopAsync(TimeSpan.FromSeconds(20));
        recorded = await system.CompletedAsync();
        var ran = Distinct(first.Ran, second.Ran);
        var started = Distinct(first.Started, second.Started);
        var lost = KillJobs - Math.Min(ran, Math.Min(recorded, KillJobs));
        var startedTwice = first.StartedTotal + second.StartedTotal - started;
        var ranTwice = first.RanTotal + second.RanTotal - ran;
        var finished = lost == 0 ? $"all completed {recovered.TotalSeconds:0.0} s after the kill" : $"{lost} not completed within {KillDeadline.TotalSeconds:0} s of the kill";
        return new BenchResult(scenario, system.Name, ran, ran / (killedAt + recovered).TotalSeconds, 0, 0, 0,
            $"lost={lost} started-twice={startedTwice} ran-twice={ranTwice} ({finished}; the system records {recorded} completed)");
    }

    private static int Distinct(IReadOnlyDictionary<string, int> first, IReadOnlyDictionary<string, int> second) =>
        first.Keys.Concat(second.Keys).Distinct(StringComparer.Ordinal).Count();
}
