namespace OrleansRedis.Bench.Harness;

/// <summary>One side-by-side comparison: the project's path next to the direct-Redis path and the peer library.</summary>
public interface IBenchmarkScenario
{
    /// <summary>Gets the name used on the command line (<c>--scenarios name</c>) and in the report.</summary>
    string Name { get; }

    /// <summary>Runs every variant of the scenario, one after the other, and returns their results.</summary>
    Task<IReadOnlyList<BenchResult>> RunAsync(BenchEnvironment environment, BenchSettings settings);
}
