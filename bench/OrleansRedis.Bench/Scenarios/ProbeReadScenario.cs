using OrleansRedis.Abstractions.Probe;
using OrleansRedis.Bench.Harness;

namespace OrleansRedis.Bench.Scenarios;

/// <summary>
/// The floor every capability builds on: a grain call through an external client (served from activation memory)
/// next to one direct Redis GET of the same state.
/// </summary>
public sealed class ProbeReadScenario : IBenchmarkScenario
{
    private const int Keys = 1000;

    /// <inheritdoc />
    public string Name => "probe-read";

    /// <inheritdoc />
    public async Task<IReadOnlyList<BenchResult>> RunAsync(BenchEnvironment environment, BenchSettings settings)
    {
        for (var i = 0; i < Keys; i++)
        {
            await environment.Grains.GetGrain<IStateProbeGrain>($"bench-{i}").SetAsync("value");
        }

        var database = environment.Direct.GetDatabase();
        var direct = await LoadRunner.RunAsync(Name, "direct Redis HGET", settings.Workers, settings.Duration,
            (worker, sequence) => database.HashGetAsync($"{environment.ServiceId}/state/probe/bench-{(worker * 7919 + sequence) % Keys}/probe", "data"));
        var grain = await LoadRunner.RunAsync(Name, "probe grain (external client)", settings.Workers, settings.Duration,
            (worker, sequence) => environment.Grains.GetGrain<IStateProbeGrain>($"bench-{(worker * 7919 + sequence) % Keys}").GetAsync());
        return [direct, grain];
    }
}
