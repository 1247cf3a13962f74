using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using OrleansRedis.Bench.Harness;

namespace OrleansRedis.Bench.Scenarios;

/// <summary>
/// The rate-limiting middleware in an app server, two limiters side by side on the same Redis connection and the
/// same keys: <c>AddOrleansRedisPolicy</c> (the co-host's local rate-limit grain, sliding log, checks of one key
/// coalesced) and RedisRateLimiting.AspNetCore 1.2.1's sliding window (a sorted set per key, one script per request),
/// both 100 per second. Once over 1,000 client keys (the limit admits nearly everything) and once on one hot key (most
/// requests are denied). The notes give the admitted share and, on the hot key, the correctness check: the most
/// admissions seen in any one-second window (by the benchmark's clock, at the responses) and the run's total against
/// what the limit allows over the run.
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
                    pair.Add(await MeasureAsync(http, settings, path, $"{variant}, {(hot ? "hot key" : $"{Keys:N0} keys")}", run, hot));
                }

                var ratio = pair[1].OpsPerSecond > 0 ? pair[0].OpsPerSecond / pair[1].OpsPerSecond : 0;
                pair[0] = pair[0] with { Notes = string.Create(CultureInfo.InvariantCulture, $"{pair[0].Notes}; OrleansRedis/RedisRateLimiting = {ratio:0.00}") };
                results.AddRange(pair);
            }

            return results;
        });

    private async Task<BenchResult> MeasureAsync(HttpClient http, BenchSettings settings, string path, string variant, string run, bool hot)
    {
        long admitted = 0, total = 0;
        var admissions = new ConcurrentQueue<long>();
        var clock = Stopwatch.StartNew();
        var result = await LoadRunner.RunAsync(Name, variant, settings.Workers, settings.Duration, async (worker, sequence) =>
        {
            var key = hot ? $"{run}-hot" : $"{run}-{((worker * 7919) + sequence) % Keys}";
            using var response = await http.PostAsync($"/middleware/{path}/{key}", null);
            Interlocked.Increment(ref total);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                Interlocked.Increment(ref admitted);
                if (hot)
                {
                    admissions.Enqueue(clock.ElapsedTicks);
                }
            }
            else if (response.StatusCode != HttpStatusCode.TooManyRequests)
            {
                throw new HttpRequestException($"{path}: {(int)response.StatusCode}");
            }
        });

        var elapsed = clock.Elapsed;
        var notes = string.Create(CultureInfo.InvariantCulture,
            $"{(hot ? "1 key" : $"{Keys:N0} keys")}, limit {Limit}/s; admitted {admitted:N0} of {total:N0} ({Share(admitted, total):0.0}%)");
        if (hot)
        {
            var allowed = Limit * (long)Math.Ceiling(elapsed.TotalSeconds);
            notes += string.Create(CultureInfo.InvariantCulture,
                $"; most admitted in any 1 s: {MostInOneSecond([.. admissions])} (limit {Limit}); run total {admitted:N0} over {elapsed.TotalSeconds:0.0} s (at most {allowed:N0} allowed)");
        }

        return result with { Notes = $"{notes} {result.Notes}".Trim() };
    }

    private static double Share(long part, long whole) => whole > 0 ? 100.0 * part / whole : 0;

    // The largest number of timestamps inside any window of one second, by a two-pointer sweep over the sorted times.
    private static int MostInOneSecond(long[] ticks)
    {
        Array.Sort(ticks);
        var most = 0;
        for (int start = 0, end = 0; end < ticks.Length; end++)
        {
            while (ticks[end] - ticks[start] >= Stopwatch.Frequency)
            {
                start++;
            }

            most = Math.Max(most, end - start + 1);
        }

        return most;
    }
}
