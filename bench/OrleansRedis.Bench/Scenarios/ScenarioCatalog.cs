using OrleansRedis.Bench.Harness;
using OrleansRedis.Bench.Queues;

namespace OrleansRedis.Bench.Scenarios;

/// <summary>Every scenario the benchmark knows, in report order. One line per capability.</summary>
public static class ScenarioCatalog
{
    public static IReadOnlyList<IBenchmarkScenario> All { get; } =
    [
        new RedisCeilingScenario(),
        new ProbeReadScenario(),
        new LockUncontendedScenario(),
        new LockContendedScenario("lock-contended", TimeSpan.Zero),
        new LockContendedScenario("lock-contended-work", TimeSpan.FromMilliseconds(1)),
        new SessionReadScenario(),
        new UserCacheScenario(),
        new RateLimitScenario("ratelimit-1000-keys", keys: 1000, policy: "bench", limit: 100),
        new RateLimitScenario("ratelimit-hot-key", keys: 1, policy: "bench", limit: 100),
        new RateLimitScenario("ratelimit-hot-key-all-admitted", keys: 1, policy: "bench-wide", limit: 100_000),
        new CoHostScenario("cohost-ratelimit-1000-keys", sessions: false),
        new CoHostScenario("cohost-session-read", sessions: true),
        new AspNetCoreRateLimitScenario(),
        new AspNetCoreTicketScenario(),
        new QueueScenario(QueueSystems.StartAllAsync),
        new RealtimeScenario(),
    ];

    /// <summary>
    /// Whether <paramref name="scenario"/> runs with <c>--redis-cluster</c>. The queue and real-time scenarios start
    /// peers on Redis servers of their own or kill and restart the one server, so they run on a single Redis only.
    /// </summary>
    public static bool RunsOnRedisCluster(IBenchmarkScenario scenario) => scenario is not QueueScenario and not RealtimeScenario;

    /// <summary>Settings every benchmark silo starts with (such as the policies a scenario needs). One line per capability.</summary>
    public static IReadOnlyDictionary<string, string> SiloSettings { get; } = new[]
    {
        RateLimitScenario.SiloSettings,
    }.SelectMany(settings => settings).ToDictionary(pair => pair.Key, pair => pair.Value);
}
