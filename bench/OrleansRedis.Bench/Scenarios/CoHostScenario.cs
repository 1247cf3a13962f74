using System.Globalization;
using OrleansRedis.Abstractions.Sessions;
using OrleansRedis.Bench.Harness;

namespace OrleansRedis.Bench.Scenarios;

/// <summary>
/// The co-hosted path: <c>bench/OrleansRedis.Bench.CoHost</c>, an ASP.NET Core app that is also a silo (its own
/// one-silo cluster on the same Redis), serves each request through its local grain (<c>/grain/...</c>) and, side by
/// side, with the same Lua script straight on its Redis connection (<c>/direct/...</c>). The benchmark drives both
/// over HTTP with one <see cref="HttpClient"/>, so the difference is what the grain adds inside the app server.
/// </summary>
/// <param name="name">The scenario's name.</param>
/// <param name="sessions">Whether it reads sessions (1,000 hot ones) rather than checking 1,000 rate-limit keys.</param>
public sealed class CoHostScenario(string name, bool sessions) : IBenchmarkScenario
{
    private const int Keys = 1_000;

    /// <inheritdoc />
    public string Name => name;

    /// <inheritdoc />
    public Task<IReadOnlyList<BenchResult>> RunAsync(BenchEnvironment environment, BenchSettings settings) =>
        CoHostProcess.RunAsync(environment, http => sessions ? SessionsAsync(environment, settings, http) : RateLimitsAsync(settings, http));

    private async Task<IReadOnlyList<BenchResult>> RateLimitsAsync(BenchSettings settings, HttpClient http)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var results = new List<BenchResult>();
        foreach (var path in new[] { "direct", "grain" })
        {
            long admitted = 0, total = 0;
            var result = await LoadRunner.RunAsync(Name, $"co-hosted endpoint, {(path == "grain" ? "local rate-limit grain" : "direct Lua sliding log")}",
                settings.Workers, settings.Duration, async (worker, sequence) =>
                {
                    using var response = await http.PostAsync($"/{path}/ratelimit/bench/{path}-{run}-{((worker * 7919) + sequence) % Keys}", null);
                    CoHostProcess.CountDecision(response, path, ref admitted, ref total);
                });
            results.Add(result with
            {
                Notes = string.Create(CultureInfo.InvariantCulture, $"{Keys} keys, policy bench (100/s); admitted {admitted:N0} of {total:N0} {result.Notes}").Trim(),
            });
        }

        return WithRatio(results);
    }

    private async Task<IReadOnlyList<BenchResult>> SessionsAsync(BenchEnvironment environment, BenchSettings settings, HttpClient http)
    {
        // Created through the external client: the co-host's grains read them from Redis on first use, as a session
        // created by another app server would be.
        var ids = new string[Keys];
        await Parallel.ForAsync(0, Keys, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
            ids[i] = (await environment.Grains.CreateSessionAsync(new SessionDraft($"cohost-user-{i}", "{\"theme\":\"dark\"}"))).SessionId);
        var results = new List<BenchResult>();
        foreach (var path in new[] { "direct", "grain" })
        {
            results.Add(await LoadRunner.RunAsync(Name, $"co-hosted endpoint, {(path == "grain" ? "local session grain" : "bare sliding Lua script")}",
                settings.Workers, settings.Duration, async (worker, sequence) =>
                {
                    using var response = await http.GetAsync($"/{path}/sessions/{Uri.EscapeDataString(ids[(int)(((worker * 7919L) + (sequence * 104729L)) % Keys)])}");
                    response.EnsureSuccessStatusCode();
                },
                $"{Keys} sessions, hot set"));
        }

        return WithRatio(results);
    }

    // The ratio the target reads (at least 0.9), in the grain row's notes as the other scenarios give it.
    private static IReadOnlyList<BenchResult> WithRatio(List<BenchResult> results)
    {
        var (direct, grain) = (results[0], results[1]);
        var ratio = direct.OpsPerSecond > 0 ? grain.OpsPerSecond / direct.OpsPerSecond : 0;
        return [direct, grain with { Notes = string.Create(CultureInfo.InvariantCulture, $"{grain.Notes}; grain/direct = {ratio:0.00}") }];
    }
}
