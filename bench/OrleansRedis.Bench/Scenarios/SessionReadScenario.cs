using System.Globalization;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using OrleansRedis.Abstractions.Sessions;
using OrleansRedis.Bench.Harness;
using OrleansRedis.Redis.Sessions;
using StackExchange.Redis;

namespace OrleansRedis.Bench.Scenarios;

/// <summary>
/// A session read that slides the idle timeout, side by side on one Redis: ASP.NET Core session's pattern on
/// <see cref="IDistributedCache"/> (<c>GetAsync</c> when the request loads the session, <c>RefreshAsync</c> when it
/// commits unchanged), the session grain through an external client, and the bare sliding script as the floor.
/// The grain is measured twice: on a small hot set, where most reads fall within the slide resolution and skip the
/// Redis write, and on a large set, where most reads slide in Redis.
/// </summary>
public sealed class SessionReadScenario : IBenchmarkScenario
{
    private const int HotSessions = 1_000;
    private const int SpreadSessions = 50_000;
    private const int Users = 1_000;
    private const int CreateWorkers = 32;

    // About 1 KiB, a typical small session: a few claims and preferences.
    private static readonly string Data =
        $"{{\"name\":\"Ada Lovelace\",\"roles\":[\"user\",\"editor\"],\"theme\":\"dark\",\"cart\":[{string.Join(',', Enumerable.Range(0, 60).Select(i => 1000 + i))}],\"note\":\"{new string('x', 600)}\"}}";

    private static readonly DistributedCacheEntryOptions SessionEntry = new() { SlidingExpiration = TimeSpan.FromMinutes(30) };

    /// <inheritdoc />
    public string Name => "session-read";

    /// <inheritdoc />
    public async Task<IReadOnlyList<BenchResult>> RunAsync(BenchEnvironment environment, BenchSettings settings)
    {
        var grains = environment.Grains;
        var hot = await CreateSessionsAsync(grains, HotSessions);
        var hotHashes = hot.Select(SessionIds.Hash).ToArray();

        using var cache = new RedisCache(new RedisCacheOptions
        {
            InstanceName = "aspnet-session:",
            ConnectionMultiplexerFactory = () => Task.FromResult<IConnectionMultiplexer>(environment.Direct),
        });
        var cacheKeys = Enumerable.Range(0, HotSessions).Select(_ => Guid.NewGuid().ToString("N")).ToArray();
        var payload = System.Text.Encoding.UTF8.GetBytes(Data);
        foreach (var key in cacheKeys)
        {
            await cache.SetAsync(key, payload, SessionEntry);
        }

        var database = environment.Direct.GetDatabase();
        var results = new List<BenchResult>
        {
            await LoadRunner.RunAsync(Name, "IDistributedCache Get+Refresh (ASP.NET Core session)", settings.Workers, settings.Duration,
                async (worker, sequence) =>
                {
                    var key = cacheKeys[Pick(worker, sequence, HotSessions)];
                    _ = await cache.GetAsync(key) ?? throw new InvalidOperationException("session missing");
                    await cache.RefreshAsync(key);
                },
                $"{HotSessions} sessions, sliding 30 min"),
            await LoadRunner.RunAsync(Name, "direct sliding Lua script (1 round trip)", settings.Workers, settings.Duration,
                async (worker, sequence) =>
                {
                    var result = await database.ScriptEvaluateAsync(SessionStore.SlideScript, [$"or:session:{{{hotHashes[Pick(worker, sequence, HotSessions)]}}}"]);
                    if ((long)((RedisResult[])result!)[0] != 1)
                    {
                        throw new InvalidOperationException("session missing");
                    }
                },
                $"{HotSessions} sessions; what the grain runs per slide"),
            await MeasureGrainAsync(environment, settings, "session grain GetAsync, hot set (external client)", hot),
        };

        var spread = await CreateSessionsAsync(grains, SpreadSessions);
        results.Add(await MeasureGrainAsync(environment, settings, "session grain GetAsync, large set (external client)", spread));
        return results;
    }

    private async Task<BenchResult> MeasureGrainAsync(BenchEnvironment environment, BenchSettings settings, string variant, string[] ids)
    {
        var grains = environment.Grains;
        var sessions = ids.Select(grains.GetSession).ToArray();
        var before = await ReadsBySourceAsync(environment);
        var result = await LoadRunner.RunAsync(Name, variant, settings.Workers, settings.Duration,
            async (worker, sequence) => _ = await sessions[Pick(worker, sequence, sessions.Length)].GetAsync() ?? throw new InvalidOperationException("session missing"));
        var after = await ReadsBySourceAsync(environment);
        var memory = after.Memory - before.Memory;
        var redis = after.Redis - before.Redis;
        var share = memory + redis == 0 ? 0 : 100.0 * memory / (memory + redis);
        return result with { Notes = string.Create(CultureInfo.InvariantCulture, $"{ids.Length} sessions; {share:0}% of reads (incl. warm-up) served within the 500 ms slide resolution {result.Notes}").Trim() };
    }

    private static async Task<string[]> CreateSessionsAsync(IGrainFactory grains, int count)
    {
        var ids = new string[count];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, CreateWorkers).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                ids[i] = (await grains.CreateSessionAsync(new SessionDraft($"bench-user-{i % Users}", Data))).SessionId;
            }
        }));
        return ids;
    }

    // Sums the silos' orleansredis_sessions_reads_total counters by source from their /metrics pages.
    private static async Task<(double Memory, double Redis)> ReadsBySourceAsync(BenchEnvironment environment)
    {
        double memory = 0, redis = 0;
        foreach (var silo in environment.Silos)
        {
            foreach (var line in (await silo.Http.GetStringAsync("/metrics")).Split('\n'))
            {
                if (!line.StartsWith("orleansredis_sessions_reads_total{", StringComparison.Ordinal))
                {
                    continue;
                }

                var value = double.Parse(line[(line.IndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                if (line.Contains("source=\"memory\"", StringComparison.Ordinal))
                {
                    memory += value;
                }
                else
                {
                    redis += value;
                }
            }
        }

        return (memory, redis);
    }

    private static int Pick(int worker, long sequence, int count) => (int)((worker * 7919L + sequence * 104729L) % count);
}
