using System.Diagnostics;
using HdrHistogram;
using Medallion.Threading.Redis;
using OrleansRedis.Abstractions.Locks;
using OrleansRedis.Bench.Harness;

namespace OrleansRedis.Bench.Scenarios;

/// <summary>
/// 16 contenders on one lock, each acquiring (waiting as long as needed) and releasing at once: the lock grain's FIFO
/// queue with its one-round-trip hand-off next to DistributedLock.Redis, which polls Redis while it waits. Besides
/// ops/s and latency it measures hand-offs (the lock passing from one contender to another: how many per second and
/// the time from a release starting to the next holder holding) and fairness (acquisitions per contender): a lock
/// whose releaser re-acquires before the polling waiters wake up shows high ops/s from one contender while the
/// others starve. With <c>thinkTime</c>, each contender works outside the lock between holds, as real jobs do: then
/// a releaser cannot barge back in, and the lock sits idle until a polling waiter wakes up.
/// </summary>
/// <param name="name">The scenario's name.</param>
/// <param name="thinkTime">Work outside the lock after each release (part of the timed operation).</param>
public sealed class LockContendedScenario(string name, TimeSpan thinkTime) : IBenchmarkScenario
{
    private const int Contenders = 16;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    /// <inheritdoc />
    public string Name { get; } = name;

    /// <inheritdoc />
    public async Task<IReadOnlyList<BenchResult>> RunAsync(BenchEnvironment environment, BenchSettings settings)
    {
        var database = environment.Direct.GetDatabase();
        var peerHandOff = new HandOff(settings.Duration);
        var peerLock = new RedisDistributedLock($"dl:{Name}", database, o => o.Expiry(Lease));
        var peer = await LoadRunner.RunAsync(Name, $"DistributedLock.Redis 1.1.1 (direct), {Contenders} contenders{Thinking}", Contenders, settings.Duration, async (worker, _) =>
        {
            var started = Stopwatch.GetTimestamp();
            var handle = await peerLock.AcquireAsync(Wait);
            peerHandOff.Acquired(worker, started);
            peerHandOff.Releasing(worker);
            await handle.DisposeAsync();
            await ThinkAsync();
        });

        var grainHandOff = new HandOff(settings.Duration);
        var lockGrain = environment.Grains.GetGrain<ILockGrain>(Name);
        var grain = await LoadRunner.RunAsync(Name, $"lock grain (external client), {Contenders} contenders{Thinking}", Contenders, settings.Duration, async (worker, _) =>
        {
            var started = Stopwatch.GetTimestamp();
            var lease = (await lockGrain.AcquireAsync("bench", Lease, Wait)).Lease
                ?? throw new InvalidOperationException("not acquired within the wait");
            grainHandOff.Acquired(worker, started);
            grainHandOff.Releasing(worker);
            await lockGrain.ReleaseAsync(lease.Token);
            await ThinkAsync();
        });

        return [peer with { Notes = peerHandOff.Describe() }, grain with { Notes = grainHandOff.Describe() }];
    }

    private string Thinking => thinkTime > TimeSpan.Zero ? $", {thinkTime.TotalMilliseconds:0} ms work between holds" : "";

    private Task ThinkAsync() => thinkTime > TimeSpan.Zero ? Task.Delay(thinkTime) : Task.CompletedTask;

    /// <summary>Records hand-offs and per-contender acquisitions once the runner's warm-up is over.</summary>
    private sealed class HandOff(TimeSpan duration)
    {
        private readonly LongConcurrentHistogram _histogram = new(1, TimeStamp.Seconds(60), 3);
        private readonly long[] _acquisitions = new long[Contenders];
        private readonly long _measureFrom = Stopwatch.GetTimestamp() + (long)(Math.Min(2, duration.TotalSeconds / 5) * Stopwatch.Frequency);
        private readonly long _measureUntil = Stopwatch.GetTimestamp() + (long)((Math.Min(2, duration.TotalSeconds / 5) + duration.TotalSeconds) * Stopwatch.Frequency);
        private long _releasingAt;
        private int _releasingWorker = -1;

        public void Releasing(int worker)
        {
            Volatile.Write(ref _releasingWorker, worker);
            Volatile.Write(ref _releasingAt, Stopwatch.GetTimestamp());
        }

        // A hand-off: the lock passes to a contender that was already waiting when the previous holder began releasing.
        public void Acquired(int worker, long startedWaitingAt)
        {
            var now = Stopwatch.GetTimestamp();
            if (now < _measureFrom || now > _measureUntil)
            {
                return;
            }

            Interlocked.Increment(ref _acquisitions[worker]);
            var releasingAt = Volatile.Read(ref _releasingAt);
            if (releasingAt > startedWaitingAt && Volatile.Read(ref _releasingWorker) != worker)
            {
                _histogram.RecordValue(now - releasingAt);
            }
        }

        public string Describe()
        {
            var perContender = $"acquisitions per contender min {_acquisitions.Min()} max {_acquisitions.Max()}";
            return _histogram.TotalCount == 0
                ? $"no hand-offs; {perContender}"
                : $"{_histogram.TotalCount / duration.TotalSeconds:0} hand-offs/s, hand-off p50 {Micros(50):0} µs p99 {Micros(99):0} µs; {perContender}";
        }

        private double Micros(double percentile) => _histogram.GetValueAtPercentile(percentile) * 1_000_000.0 / Stopwatch.Frequency;
    }
}
