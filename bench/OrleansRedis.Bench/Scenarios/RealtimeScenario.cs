using System.Diagnostics;
using System.Globalization;
using HdrHistogram;
using OrleansRedis.Bench.Harness;
using OrleansRedis.Bench.Realtime;

namespace OrleansRedis.Bench.Scenarios;

/// <summary>
/// Real-time fan-out side by side on the benchmark's Redis, two servers each: this project's topics (HTTP publish
/// through both silos, SSE subscribers spread over both) and SignalR with the Redis backplane (two hub processes,
/// WebSocket clients spread over both). Each system in turn gets <see cref="BenchSettings.Subscribers"/> subscribers
/// and two measurements:
/// <list type="bullet">
/// <item><c>realtime-fanout</c>: four publishers (two per server) publish as fast as the fan-out keeps up (at most
/// <see cref="InFlightPerSubscriber"/> events per subscriber not yet delivered); each payload carries the publish
/// timestamp of this process's clock, and every delivery records publish-to-receive latency. ops/s = deliveries per
/// second (events × subscribers).</item>
/// <item><c>realtime-redis-restart</c>: one publisher per server paced at <see cref="RestartGap"/>; Redis is
/// SIGKILLed after <see cref="KillAfter"/> and restarted (same port, AOF) <see cref="Down"/> later. Lost = acknowledged
/// events a subscriber does not have <see cref="DrainDeadline"/> after publishing stopped, summed over subscribers.</item>
/// </list>
/// </summary>
public sealed class RealtimeScenario : IBenchmarkScenario
{
    private const int InFlightPerSubscriber = 20;
    private const int FanOutPublishers = 4;
    private static readonly TimeSpan RestartGap = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan RestartPublishing = TimeSpan.FromSeconds(12);
    private static readonly TimeSpan KillAfter = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Down = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan DrainDeadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public string Name => "realtime";

    /// <inheritdoc />
    public async Task<IReadOnlyList<BenchResult>> RunAsync(BenchEnvironment environment, BenchSettings settings)
    {
        var fanOut = new List<BenchResult>();
        var restart = new List<BenchResult>();
        await using (var ours = new OrleansRedisRealtimeSystem(environment))
        {
            await RunSystemAsync(environment, ours, settings, fanOut, restart);
        }

        await using (var signalR = await SignalRSystem.StartAsync(environment))
        {
            await RunSystemAsync(environment, signalR, settings, fanOut, restart);
        }

        return [.. fanOut, .. restart];
    }

    private static async Task RunSystemAsync(
        BenchEnvironment environment, RealtimeSystem system, BenchSettings settings, List<BenchResult> fanOut, List<BenchResult> restart)
    {
        var subscribers = Enumerable.Range(0, settings.Subscribers).Select(i => new Subscriber(i)).ToArray();
        var connections = new IAsyncDisposable[subscribers.Length];
        var connecting = Stopwatch.StartNew();
        await Parallel.ForEachAsync(subscribers, new ParallelOptions { MaxDegreeOfParallelism = 50 }, async (subscriber, _) =>
            connections[subscriber.Index] = await system.SubscribeAsync(subscriber.Index, subscriber.Receive));
        try
        {
            await WaitConnectedAsync(system, subscribers);
            Console.WriteLine($"   {system.Name}: {subscribers.Length} subscribers connected in {connecting.Elapsed.TotalSeconds:0.0} s");
            fanOut.Add(await FanOutAsync(system, subscribers, settings.Duration));
            Console.WriteLine($"   {fanOut[^1].Variant}: {fanOut[^1].OpsPerSecond:0} deliveries/s p50 {fanOut[^1].P50Us:0} µs p99 {fanOut[^1].P99Us:0} µs {fanOut[^1].Notes}");
            restart.Add(await RestartAsync(environment, system, subscribers));
            Console.WriteLine($"   {restart[^1].Variant}: {restart[^1].Notes}");
        }
        finally
        {
            foreach (var connection in connections.Where(c => c is not null))
            {
                await connection.DisposeAsync();
            }
        }
    }

    // Live-only subscriptions: probes are published until every subscriber has received one.
    private static async Task WaitConnectedAsync(RealtimeSystem system, Subscriber[] subscribers)
    {
        var deadline = Stopwatch.StartNew();
        for (var probe = 0; subscribers.Any(s => s.Probes == 0); probe++)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(120))
            {
                throw new TimeoutException($"{subscribers.Count(s => s.Probes == 0)} subscribers of {system.Name} never received a probe.");
            }

            await system.PublishAsync(probe, "x:0:0", CancellationToken.None);
            await Task.Delay(250);
        }
    }

    private static async Task<BenchResult> FanOutAsync(RealtimeSystem system, Subscriber[] subscribers, TimeSpan duration)
    {
        var recorder = new Recorder();
        foreach (var subscriber in subscribers)
        {
            subscriber.Recorder = recorder;
        }

        long published = 0, errors = 0;
        long Delivered() => subscribers.Sum(s => Interlocked.Read(ref s.Delivered));
        var baseline = Delivered();
        var stop = new CancellationTokenSource();
        var publishers = Enumerable.Range(0, FanOutPublishers).Select(p => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                for (var wait = 0; wait < 1000 && Interlocked.Read(ref published) * subscribers.Length - (Delivered() - baseline) > (long)InFlightPerSubscriber * subscribers.Length; wait++)
                {
                    await Task.Delay(1);
                }

                var sequence = Interlocked.Increment(ref published);
                var phase = recorder.Measuring ? "m" : "w";
                try
                {
                    await system.PublishAsync(p, $"{phase}:{sequence}:{Stopwatch.GetTimestamp()}", CancellationToken.None);
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(Math.Min(2, duration.TotalSeconds / 5)));
        var publishedBefore = Interlocked.Read(ref published);
        var cpuBefore = CpuMeter.Read();
        var timer = Stopwatch.StartNew();
        recorder.Measuring = true;
        await Task.Delay(duration);
        recorder.Measuring = false;
        var elapsed = timer.Elapsed.TotalSeconds;
        var cpu = cpuBefore.Until(CpuMeter.Read());
        var publishedMeasured = Interlocked.Read(ref published) - publishedBefore;
        await stop.CancelAsync();
        await Task.WhenAll(publishers);

        // Let the backlog drain before the next measurement (late deliveries still record their latency).
        var drain = Stopwatch.StartNew();
        while (Delivered() - baseline < Interlocked.Read(ref published) * subscribers.Length && drain.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(100);
        }

        var deliveries = Interlocked.Read(ref recorder.DeliveriesInWindow);
        var notes = string.Create(CultureInfo.InvariantCulture,
            $"{subscribers.Length} subscribers; {publishedMeasured / elapsed:0} events/s published by {FanOutPublishers} publishers (2 per server), at most {InFlightPerSubscriber} undelivered per subscriber; ops/s = deliveries/s; publish errors={errors}");
        return new BenchResult("realtime-fanout", system.Name, deliveries, deliveries / elapsed,
            recorder.Micros(50), recorder.Micros(99), recorder.Micros(99.9), notes)
        {
            Cpu = CpuPerOperation.From(cpu, deliveries),
        };
    }

    private static async Task<BenchResult> RestartAsync(BenchEnvironment environment, RealtimeSystem system, Subscriber[] subscribers)
    {
        foreach (var subscriber in subscribers)
        {
            subscriber.Recorder = null;
        }

        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<long>();
        long sequence = 0, failed = 0;
        var timer = Stopwatch.StartNew();
        var publishers = Enumerable.Range(0, 2).Select(p => Task.Run(async () =>
        {
            while (timer.Elapsed < RestartPublishing)
            {
                var next = Interlocked.Increment(ref sequence);
                using var timeout = new CancellationTokenSource(PublishTimeout);
                try
                {
                    await system.PublishAsync(p, $"r:{next}:{Stopwatch.GetTimestamp()}", timeout.Token);
                    acknowledged.Add(next);
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref failed);
                }

                await Task.Delay(RestartGap);
            }
        })).ToList();

        await Task.Delay(KillAfter);
        await environment.Redis.KillAsync();
        await Task.Delay(Down);
        await environment.Redis.RestartAsync();
        CpuMeter.Track("redis", environment.Redis.ProcessId);
        await Task.WhenAll(publishers);

        var acked = acknowledged.ToHashSet();
        var drain = Stopwatch.StartNew();
        while (subscribers.Any(s => s.MissingOf(acked) > 0) && drain.Elapsed < DrainDeadline)
        {
            await Task.Delay(200);
        }

        var missing = subscribers.Select(s => s.MissingOf(acked)).ToList();
        var lost = missing.Sum();
        var notes = string.Create(CultureInfo.InvariantCulture,
            $"lost={lost} acknowledged events missing summed over {subscribers.Length} subscribers ({missing.Count(m => m > 0)} subscribers missing some, at most {missing.Max()} each); acknowledged={acked.Count}, refused or timed out={failed}; Redis SIGKILLed {KillAfter.TotalSeconds:0} s into {RestartPublishing.TotalSeconds:0} s of publishing (1 event per {RestartGap.TotalMilliseconds:0} ms per server), restarted {Down.TotalSeconds:0} s later; counted {drain.Elapsed.TotalSeconds:0.0} s after publishing stopped");
        return new BenchResult("realtime-redis-restart", system.Name, acked.Count, 0, 0, 0, 0, notes);
    }

    private sealed class Recorder
    {
        private readonly LongConcurrentHistogram _latency = new(1, TimeStamp.Seconds(60), 3);
        public long DeliveriesInWindow;

        public volatile bool Measuring;

        public void Record(long publishedAt)
        {
            _latency.RecordValue(Math.Clamp(Stopwatch.GetTimestamp() - publishedAt, 1, TimeStamp.Seconds(59)));
            if (Measuring)
            {
                Interlocked.Increment(ref DeliveriesInWindow);
            }
        }

        public double Micros(double percentile) =>
            _latency.TotalCount == 0 ? 0 : _latency.GetValueAtPercentile(percentile) * 1_000_000.0 / Stopwatch.Frequency;
    }

    private sealed class Subscriber(int index)
    {
        private readonly HashSet<long> _restartEvents = [];
        public long Delivered;
        public int Probes;

        public int Index { get; } = index;

        public Recorder? Recorder { get; set; }

        // Payload: phase:sequence:publishTimestamp (x = probe, w = warm-up, m = measured, r = Redis restart).
        public void Receive(string payload)
        {
            var parts = payload.Split(':');
            switch (parts[0])
            {
                case "x":
                    Interlocked.Increment(ref Probes);
                    return;
                case "r":
                    lock (_restartEvents)
                    {
                        _restartEvents.Add(long.Parse(parts[1], CultureInfo.InvariantCulture));
                    }

                    return;
            }

            Interlocked.Increment(ref Delivered);
            if (parts[0] == "m")
            {
                Recorder?.Record(long.Parse(parts[2], CultureInfo.InvariantCulture));
            }
        }

        public int MissingOf(HashSet<long> acknowledged)
        {
            lock (_restartEvents)
            {
                return acknowledged.Count(a => !_restartEvents.Contains(a));
            }
        }
    }
}
