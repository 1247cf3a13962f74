using OrleansRedis.Bench.Harness;

namespace OrleansRedis.Bench.Scenarios;

/// <summary>Every scenario the benchmark knows, in report order. One line per capability.</summary>
public static class ScenarioCatalog
{
    public static IReadOnlyList<IBenchmarkScenario> All { get; } =
    [
        new ProbeReadScenario(),
        new UserCacheScenario(),
    ];
}
