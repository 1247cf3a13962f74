using System.Diagnostics;
using System.Globalization;
using OrleansRedis.Abstractions.RateLimiting;
using OrleansRedis.Bench.Harness;
using OrleansRedis.Redis;
using OrleansRedis.Redis.RateLimiting;
using StackExchange.Redis;

namespace OrleansRedis.Bench.Scenarios;

/// <summary>
/// One rate-limit decision per operation, three ways, side by side against the same Redis:
/// the seed's pipeline (MULTI: ZREMRANGEBYSCORE, ZADD, ZCARD, EXPIRE with the client's clock, recording denied
/// requests too), the correct sliding-log Lua script called directly through StackExchange.Redis (one script call per
/// decision), and the rate-limit grain through an external Orleans client (checks of one key coalesced into one script
/// call). All three use the same policy; the notes give the share of admitted requests and the grain/direct ratio.
/// </summary>
/// <param name="name">The scenario's name.</param>
/// <param name="keys">How many keys the operations spread over (1 = one hot key).</param>
/// <param name="policy">The policy (see <see cref="SiloSettings"/>).</param>
/// <param name="limit">The policy's limit per window.</param>
public sealed class RateLimitScenario(string name, int keys, string policy, long limit) : IBenchmarkScenario
{
    // The script answers named fields (docs/conventions.md); the bare variant reads them as the store does.
    private static readonly ReplyField Allowed = new("allowed");

    /// <summary>The window of every benchmark policy.</summary>
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The policies the silos need: <c>bench</c> (100 per second: a per-client limit; on a hot key most requests are
    /// denied) and <c>bench-wide</c> (100,000 per second: a hot key whose requests are all admitted).
    /// </summary>
    public static IReadOnlyDictionary<string, string> SiloSettings { get; } = new Dictionary<string, string>
    {
        ["OrleansRedis__RateLimits__Policies__bench__Algorithm"] = "SlidingLog",
        ["OrleansRedis__RateLimits__Policies__bench__Limit"] = "100",
        ["OrleansRedis__RateLimits__Policies__bench__Window"] = "00:00:01",
        ["OrleansRedis__RateLimits__Policies__bench-wide__Algorithm"] = "SlidingLog",
        ["OrleansRedis__RateLimits__Policies__bench-wide__Limit"] = "100000",
        ["OrleansRedis__RateLimits__Policies__bench-wide__Window"] = "00:00:01",
    };

    /// <inheritdoc />
    public string Name => name;

    /// <inheritdoc />
    public async Task<IReadOnlyList<BenchResult>> RunAsync(BenchEnvironment environment, BenchSettings settings)
    {
        var database = environment.Direct.GetDatabase();
        var windowMs = (long)Window.TotalMilliseconds;
        var windowUs = RateLimitStore.Microseconds(Window);
        var run = Guid.NewGuid().ToString("N")[..8];
        string Subject(string variant, int worker, long sequence) =>
            keys == 1 ? $"{variant}-{run}-hot" : $"{variant}-{run}-{((worker * 7919) + sequence) % keys}";

        // Counted over warm-up and measurement alike: the share of requests each variant admitted.
        long seedAdmitted = 0, directAdmitted = 0, grainAdmitted = 0, seedTotal = 0, directTotal = 0, grainTotal = 0;
        var clock = Stopwatch.StartNew();
        var seed = await LoadRunner.RunAsync(Name, "seed pipeline (MULTI, client clock)", settings.Workers, settings.Duration, async (worker, sequence) =>
        {
            var key = (RedisKey)$"seed:{{{policy}/{Subject("seed", worker, sequence)}}}";
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var transaction = database.CreateTransaction();
            _ = transaction.SortedSetRemoveRangeByScoreAsync(key, double.NegativeInfinity, now - windowMs);
            _ = transaction.SortedSetAddAsync(key, now.ToString(CultureInfo.InvariantCulture), now);
            var count = transaction.SortedSetLengthAsync(key);
            _ = transaction.KeyExpireAsync(key, Window);
            await transaction.ExecuteAsync();
            Interlocked.Increment(ref seedTotal);
            if (await count <= limit)
            {
                Interlocked.Increment(ref seedAdmitted);
            }
        });

        var seedSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var direct = await LoadRunner.RunAsync(Name, "direct Lua sliding log (SE.Redis)", settings.Workers, settings.Duration, async (worker, sequence) =>
        {
            var key = (RedisKey)$"or:ratelimit:{{{policy}/{Subject("direct", worker, sequence)}}}:log";
            var reply = ScriptReply.Read(await database.ScriptEvaluateAsync(
                RateLimitStore.SlidingLogScript, [key], [limit, windowUs, Random.Shared.NextInt64().ToString("x"), 1]), "sliding log");
            Interlocked.Increment(ref directTotal);
            if ((long)reply.Array(Allowed)[0] == 1)
            {
                Interlocked.Increment(ref directAdmitted);
            }
        });

        var directSeconds = clock.Elapsed.TotalSeconds;

        // Steady state, as for the other variants: every key's activation exists before the clock starts (a peek
        // activates the grain and consumes nothing).
        var warmUp = Enumerable.Range(0, keys).Select(i => keys == 1 ? Subject("grain", 0, 0) : $"grain-{run}-{i}");
        await Parallel.ForEachAsync(warmUp, new ParallelOptions { MaxDegreeOfParallelism = settings.Workers },
            async (subject, _) => await environment.Grains.GetRateLimitGrain(policy, subject).PeekAsync());

        clock.Restart();
        var grain = await LoadRunner.RunAsync(Name, "grain (external client, coalesced)", settings.Workers, settings.Duration, async (worker, sequence) =>
        {
            var decision = await environment.Grains.GetRateLimitGrain(policy, Subject("grain", worker, sequence)).CheckAsync();
            if (decision.Degraded)
            {
                throw new InvalidOperationException("A degraded decision is not a measurement.");
            }

            Interlocked.Increment(ref grainTotal);
            if (decision.Allowed)
            {
                Interlocked.Increment(ref grainAdmitted);
            }
        });

        var grainSeconds = clock.Elapsed.TotalSeconds;

        // What each variant admitted over its whole run (warm-up included) against what the limit allows at most in
        // that time: a sliding window of one second admits at most limit per key per started second.
        string Admitted(long admitted, long total, double seconds) => string.Create(CultureInfo.InvariantCulture,
            $"admitted {admitted:N0} of {total:N0} (the limit allows at most {limit * keys * (long)Math.Ceiling(seconds):N0})");

        var ratio = direct.OpsPerSecond > 0 ? grain.OpsPerSecond / direct.OpsPerSecond : 0;
        return
        [
            seed with { Notes = $"{seed.Notes} {Admitted(seedAdmitted, seedTotal, seedSeconds)}; records denied requests, equal timestamps collide".Trim() },
            direct with { Notes = $"{direct.Notes} {Admitted(directAdmitted, directTotal, directSeconds)}".Trim() },
            grain with { Notes = string.Create(CultureInfo.InvariantCulture, $"{grain.Notes} {Admitted(grainAdmitted, grainTotal, grainSeconds)}; grain/direct = {ratio:0.00}").Trim() },
        ];
    }
}
