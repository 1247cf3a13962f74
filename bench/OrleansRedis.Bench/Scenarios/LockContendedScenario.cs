using System.Diagnostics;
using HdrHistogram;
using Medallion.Threading.Redis;
using OrleansRedis.Abstractions.Locks;
using OrleansRedis.Bench.Harness;

namespace OrleansRedis.Bench.Scenarios;

/// <summary>
/// 16 contenders on one lock, each acquiring (waiting as long as needed) and releasing at once: the lock grain's FIFO
/// queue with its one-round-trip hand-off next to DistributedLock.Redis, which polls Redis while it waits. Besides
/// ops/s and latency it measures the hand-off: the time from a release starting to the next holder holding.
/// </summary>
public sealed class LockContendedScenario : IBenchmarkScenario
{
    private const int Contenders = 16;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    /// <inheritdoc />
    public string Name => "lock-contended";

    /// <inheritdoc />
    public async Task<IReadOnlyList<BenchResult>> RunAsync(BenchEnvironment environment, BenchSettings settings)
    {
        var database = environment.Direct.GetDatabase();
        var peerHandOff = new HandOff(settings.Duration);
        var peerLock = new RedisDistributedLock("dl:contended", database, o => o.Expiry(Lease));
        var peer = await LoadRunner.RunAsync(Name, $"DistributedLock.Redis 1.1.1 (direct), {Contenders} contenders", Contenders, settings.Duration, async (_, _) =>
        {
            var started = Stopwatch.GetTimestamp();
            var handle = await peerLock.AcquireAsync(Wait);
            peerHandOff.Acquired(started);
            peerHandOff.Releasing();
            await handle.DisposeAsync();
        });

        var grainHandOff = new HandOff(settings.Duration);
        var lockGrain = environment.Grains.GetGrain<ILockGrain>("contended");
        var grain = await LoadRunner.RunAsync(Name, $"lock grain (external client), {Contenders} contenders", Contenders, settings.Duration, async (_, _) =>
        {
            var started = Stopwatch.GetTimestamp();
            var lease = (await lockGrain.AcquireAsync("bench", Lease, Wait)).Lease
                ?? throw new InvalidOperationException("not acquired within the wait");
            grainHandOff.Acquired(started);
            grainHandOff.Releasing();
            await lockGrain.ReleaseAsync(lease.Token);
        });

        return [peer with { Notes = peerHandOff.Describe() }, grain with { Notes = grainHandOff.Describe() }];
    }

    /// <summary>Records hand-off latencies once the runner's warm-up is over.</summary>
    private sealed class HandOff(TimeSpan duration)
    {
        private readonly LongConcurrentHistogram _histogram = new(1, TimeStamp.Seconds(60), 3);
        private readonly long _measureFrom = Stopwatch.GetTimestamp() + (long)(Math.Min(2, duration.TotalSeconds / 5) * Stopwatch.Frequency);
        private long _releasingAt;

        public void Releasing() => Volatile.Write(ref _releasingAt, Stopwatch.GetTimestamp());

        // Only a holder that was already waiting when the previous holder began releasing measures a hand-off.
        public void Acquired(long startedWaitingAt)
        {
            var now = Stopwatch.GetTimestamp();
            var releasingAt = Volatile.Read(ref _releasingAt);
            if (releasingAt > startedWaitingAt && now >= _measureFrom)
            {
                _histogram.RecordValue(now - releasingAt);
            }
        }

        public string Describe() => _histogram.TotalCount == 0
            ? "no hand-offs"
            : $"hand-off p50 {Micros(50):0} µs, p99 {Micros(99):0} µs ({_histogram.TotalCount} hand-offs)";

        private double Micros(double percentile) => _histogram.GetValueAtPercentile(percentile) * 1_000_000.0 / Stopwatch.Frequency;
    }
}
