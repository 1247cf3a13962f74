using System.Globalization;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using OrleansRedis.Abstractions.Sessions;
using OrleansRedis.Bench.Harness;
using OrleansRedis.Redis;
using OrleansRedis.Redis.Sessions;
using StackExchange.Redis;

namespace OrleansRedis.Bench.Scenarios;

/// <summary>
/// A session read that slides the idle timeout, side by side on one Redis: ASP.NET Core session's pattern on
/// <see cref="IDistributedCache"/> (<c>GetAsync</c> when a request loads the session, <c>RefreshAsync</c> when it
/// commits it unchanged: four round trips), the session grain through an external client, and the grain's one
/// sliding script run bare as the floor. Measured on a small hot set, where most grain reads fall within the slide
/// resolution and skip the Redis write, and on a large set, where nearly every read slides in Redis.
/// </summary>
public sealed class SessionReadScenario : IBenchmarkScenario
{
    private const int HotSessions = 1_000;
    private const int SpreadSessions = 50_000;
    private const int Users = 1_000;
    private const int CreateWorkers = 32;

    // The slide script answers named fields (docs/conventions.md); the bare variant reads its status as the store does.
    private static readonly ReplyField SlideStatus = new("status");

    // About 1 KiB, a typical small session: a few claims and preferences.
    private static readonly string Data =
        $"{{\"name\":\"Ada Lovelace\",\"roles\":[\"user\",\"editor\"],\"theme\":\"dark\",\"cart\":[{string.Join(',', Enumerable.Range(0, 60).Select(i => 1000 + i))}],\"note\":\"{new string('x', 600)}\"}}";

    private static readonly DistributedCacheEntryOptions SessionEntry = new() { SlidingExpiration = TimeSpan.FromMinutes(30) };

    /// <inheritdoc />
    public string Name => "session-read";

    /// <inheritdoc />
    public async Task<IReadOnlyList<BenchResult>> RunAsync(BenchEnvironment environment, BenchSettings settings)
    {
        using var cache = new RedisCache(new RedisCacheOptions
        {
            InstanceName = "aspnet-session:",
            // Its own connection: RedisCache disposes the multiplexer it was given, and later scenarios need Direct.
            ConnectionMultiplexerFactory = async () => await ConnectionMultiplexer.ConnectAsync(environment.RedisConnectionString),
        });
        var results = new List<BenchResult>();

        // Each comparison runs back to back on the same population, so that noise from other work on the machine
        // drifts as little as possible between the rows compared.
        foreach (var (count, label) in new[] { (HotSessions, "hot set"), (SpreadSessions, "large set") })
        {
            var ids = await CreateSessionsAsync(environment.Grains, count);
            var cacheKeys = await CreateCacheEntriesAsync(cache, count);
            Func<int, long, Task> cacheRead = async (worker, sequence) =>
            {
                var key = cacheKeys[Pick(worker, sequence, count)];
                _ = await cache.GetAsync(key) ?? throw new InvalidOperationException("session missing");
                await cache.RefreshAsync(key);
            };
            var cacheCommands = await CommandsPerOperationAsync(environment, cacheRead);
            results.Add(await LoadRunner.RunAsync(Name, $"IDistributedCache Get+Refresh (ASP.NET Core session), {label}", settings.Workers, settings.Duration,
                cacheRead, string.Create(CultureInfo.InvariantCulture, $"{count} sessions, sliding 30 min; {cacheCommands:0.00} Redis commands per read")));
            results.Add(await MeasureGrainAsync(environment, settings, $"session grain GetAsync (external client), {label}", ids));
            if (count == HotSessions)
            {
                var database = environment.Direct.GetDatabase();
                var keys = ids.Select(id => (RedisKey)$"or:session:{{{SessionIds.Hash(id)}}}").ToArray();
                results.Add(await LoadRunner.RunAsync(Name, $"bare sliding Lua script, {label}", settings.Workers, settings.Duration,
                    async (worker, sequence) =>
                    {
                        var result = await database.ScriptEvaluateAsync(SessionStore.SlideScript, [keys[Pick(worker, sequence, count)]], [RedisValue.EmptyString]);
                        if (ScriptReply.Read(result, "session slide").String(SlideStatus) != "found")
                        {
                            throw new InvalidOperationException("session missing");
                        }
                    },
                    $"{count} sessions; the one round trip the grain makes per slide"));
            }
        }

        return results;
    }

    private async Task<BenchResult> MeasureGrainAsync(BenchEnvironment environment, BenchSettings settings, string variant, string[] ids)
    {
        var grains = environment.Grains;
        var sessions = ids.Select(grains.GetSession).ToArray();
        Func<int, long, Task> read = async (worker, sequence) =>
            _ = await sessions[Pick(worker, sequence, sessions.Length)].GetAsync() ?? throw new InvalidOperationException("session missing");
        var before = await ReadsBySourceAsync(environment);
        var result = await LoadRunner.RunAsync(Name, variant, settings.Workers, settings.Duration, read);
        var after = await ReadsBySourceAsync(environment);
        var memory = after.Memory - before.Memory;
        var redis = after.Redis - before.Redis;
        // Every read that is not served from the grain's memory is exactly one script (counted by the silos, warm-up included).
        var scripts = memory + redis == 0 ? 0 : redis / (memory + redis);
        return result with
        {
            Notes = string.Create(CultureInfo.InvariantCulture,
                $"{ids.Length} sessions; {scripts:0.00} Redis commands per read ({100 * (1 - scripts):0}% served within the 500 ms slide resolution) {result.Notes}").Trim(),
        };
    }

    private static async Task<string[]> CreateCacheEntriesAsync(IDistributedCache cache, int count)
    {
        var keys = Enumerable.Range(0, count).Select(_ => Guid.NewGuid().ToString("N")).ToArray();
        var payload = System.Text.Encoding.UTF8.GetBytes(Data);
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, CreateWorkers).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                await cache.SetAsync(keys[i], payload, SessionEntry);
            }
        }));
        return keys;
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

    // Runs the operation sequentially and counts the Redis commands it costs (the silos' own background commands
    // for membership add a little noise, well under one command per hundred operations here).
    private static async Task<double> CommandsPerOperationAsync(BenchEnvironment environment, Func<int, long, Task> operation)
    {
        const int Operations = 2000;
        var before = await TotalCommandsAsync(environment);
        for (var i = 0; i < Operations; i++)
        {
            await operation(0, i);
        }

        // INFO itself is one command per master.
        var masters = environment.Direct.GetServers().Count(s => !s.IsReplica);
        return (await TotalCommandsAsync(environment) - before - masters) / (double)Operations;
    }

    private static async Task<long> TotalCommandsAsync(BenchEnvironment environment)
    {
        // Every master's count (one server unless on a cluster); replicas only replay what masters ran.
        long total = 0;
        foreach (var server in environment.Direct.GetServers().Where(s => !s.IsReplica))
        {
            var info = await server.InfoAsync("stats");
            total += long.Parse(info.SelectMany(g => g).Single(p => p.Key == "total_commands_processed").Value, CultureInfo.InvariantCulture);
        }

        return total;
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
