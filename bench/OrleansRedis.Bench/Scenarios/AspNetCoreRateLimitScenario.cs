using System.Diagnostics;
using System.Globalization;
using OrleansRedis.Bench.Harness;
using StackExchange.Redis;

namespace OrleansRedis.Bench.Scenarios;

/// <summary>
/// The rate-limiting middleware in an app server, two limiters side by side on the same Redis connection and the
/// same keys: <c>AddOrleansRedisPolicy</c> (the co-host's local rate-limit grain, sliding log, checks of one key
/// coalesced) and RedisRateLimiting.AspNetCore 1.2.1's sliding window (a sorted set per key, one script per request),
/// both 100 per second. Once over 1,000 client keys (the limit admits nearly everything) and once on one hot key (most
/// requests are denied). The notes give the admitted share and, on the hot key, the correctness checks: the run's
/// total against what the limit allows over the run, and the largest size seen of the key's window in Redis. Both
/// limiters keep one sorted set per key holding only the admissions of the last window (each check trims it, then adds
/// only an admitted request), so its size, sampled every few milliseconds, is the admitted count of a window as Redis's
/// own decisions saw it, free of the latency between a decision and its response.
/// </summary>
public sealed class AspNetCoreRateLimitScenario : IBenchmarkScenario
{
    private const int Keys = 1_000;

    /// <summary>The limit per second both policies share: the silos' <c>bench</c> policy and the co-host's RedisRateLimiting options.</summary>
    private const long Limit = 100;

    private static readonly (string Path, string Variant)[] Limiters =
    [
        ("orleansredis", "middleware, AddOrleansRedisPolicy (grain, sliding log)"),
        ("redisratelimiting", "middleware, RedisRateLimiting.AspNetCore 1.2.1 (sliding window)"),
    ];

    // Each limiter's sorted set of a key: the project's sliding log (default prefix) and RedisRateLimiting's sliding window.
    private static RedisKey WindowKey(string path, string key) =>
        path == "orleansredis" ? $"or:ratelimit:{{bench/{key}}}:log" : $"rl:sw:{{{key}}}";

    /// <inheritdoc />
    public string Name => "aspnetcore-ratelimit";

    /// <inheritdoc />
    public Task<IReadOnlyList<BenchResult>> RunAsync(BenchEnvironment environment, BenchSettings settings) =>
        CoHostProcess.RunAsync(environment, async http =>
        {
            var run = Guid.NewGuid().ToString("N")[..8];
            var results = new List<BenchResult>();
            foreach (var hot in new[] { false, true })
            {
                var pair = new List<BenchResult>();
                foreach (var (path, variant) in Limiters)
                {
                    pair.Add(await MeasureAsync(environment.Direct.GetDatabase(), http, settings, path, $"{variant}, {(hot ? "hot key" : $"{Keys:N0} keys")}", run, hot));
                }

                var ratio = pair[1].OpsPerSecond > 0 ? pair[0].OpsPerSecond / pair[1].OpsPerSecond : 0;
                pair[0] = pair[0] with { Notes = string.Create(CultureInfo.InvariantCulture, $"{pair[0].Notes}; OrleansRedis/RedisRateLimiting = {ratio:0.00}") };
                results.AddRange(pair);
            }

            return results;
        });

    private async Task<BenchResult> MeasureAsync(
        IDatabase redis, HttpClient http, BenchSettings settings, string path, string variant, string run, bool hot)
    {
        long admitted = 0, total = 0;
        using var stop = new CancellationTokenSource();
        var window = hot ? SampleWindowAsync(redis, WindowKey(path, $"{run}-hot"), stop.Token) : Task.FromResult((0L, 0));
        var clock = Stopwatch.StartNew();
        var result = await LoadRunner.RunAsync(Name, variant, settings.Workers, settings.Duration, async (worker, sequence) =>
        {
            var key = hot ? $"{run}-hot" : $"{run}-{((worker * 7919) + sequence) % Keys}";
            using var response = await http.PostAsync($"/middleware/{path}/{key}", null);
            CoHostProcess.CountDecision(response, path, ref admitted, ref total);
        });

        var elapsed = clock.Elapsed;
        await stop.CancelAsync();
        var (largest, samples) = await window;
        var notes = string.Create(CultureInfo.InvariantCulture,
            $"{(hot ? "1 key" : $"{Keys:N0} keys")}, limit {Limit}/s; admitted {admitted:N0} of {total:N0} ({Share(admitted, total):0.0}%)");
        if (hot)
        {
            var allowed = Limit * (long)Math.Ceiling(elapsed.TotalSeconds);
            notes += string.Create(CultureInfo.InvariantCulture,
                $"; run total {admitted:N0} over {elapsed.TotalSeconds:0.0} s (at most {allowed:N0} allowed); largest window in Redis {largest} of {samples:N0} samples (limit {Limit})");
        }

        return result with { Notes = $"{notes} {result.Notes}".Trim() };
    }

    private static double Share(long part, long whole) => whole > 0 ? 100.0 * part / whole : 0;

    // The largest size of the key's sorted set until the run ends: the admissions of one window, as Redis decided them.
    private static async Task<(long Largest, int Samples)> SampleWindowAsync(IDatabase redis, RedisKey key, CancellationToken stop)
    {
        long largest = 0;
        var samples = 0;
        while (!stop.IsCancellationRequested)
        {
            largest = Math.Max(largest, await redis.SortedSetLengthAsync(key));
            samples++;
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return (largest, samples);
    }
}
