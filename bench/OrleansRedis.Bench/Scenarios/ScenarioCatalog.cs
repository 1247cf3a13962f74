using OrleansRedis.Bench.Harness;

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
    ];
}
