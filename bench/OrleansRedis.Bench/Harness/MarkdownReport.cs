using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace OrleansRedis.Bench.Harness;

/// <summary>Writes the results as the Markdown of <c>docs/benchmarks.md</c>, with the machine they came from.</summary>
public static class MarkdownReport
{
    /// <summary>Renders <paramref name="results"/> grouped by scenario, with each variant's ratio to the scenario's first variant.</summary>
    public static string Render(IReadOnlyList<BenchResult> results, BenchSettings settings, string redisVersion)
    {
        var text = new StringBuilder();
        text.AppendLine("# Benchmarks");
        text.AppendLine();
        text.AppendLine("Written by `./bench.sh`; every variant of a scenario ran in the same run against the same Redis.");
        text.AppendLine("These machines are noisy: read the ratios, not the absolute numbers.");
        text.AppendLine("CPU µs/op is the CPU time (user + system, from `/proc/{pid}/stat`) of every process involved, the benchmark");
        text.AppendLine("process with its client, the silos, Redis and any peer worker, divided by the operations: what an operation");
        text.AppendLine("costs, whoever got the cores. Its resolution is 10 ms per process per variant.");
        text.AppendLine();
        text.AppendLine($"- Date: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine($"- Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
        text.AppendLine($"- Redis: {redisVersion} on loopback; 2 silo processes; an external Orleans client in the benchmark process");
        text.AppendLine($"- Each variant: {settings.Duration.TotalSeconds:0} s measured after a warm-up, {settings.Workers} concurrent callers unless noted");
        foreach (var scenario in results.GroupBy(r => r.Scenario))
        {
            var baseline = scenario.First();
            text.AppendLine();
            text.AppendLine($"## {scenario.Key}");
            text.AppendLine();
            var loads = scenario.Select(r => r.LoadAverage).OfType<double>().ToList();
            var load = loads.Count == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $"; load average (1 min) {loads.Min():0.0}-{loads.Max():0.0} as the variants ended");
            text.AppendLine($"Measured {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC{load}.");
            text.AppendLine();
            text.AppendLine($"| variant | ops/s | p50 µs | p99 µs | p99.9 µs | ops/s vs {baseline.Variant} | CPU µs/op | CPU µs/op by process | notes |");
            text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|---|");
            foreach (var result in scenario)
            {
                var ratio = baseline.OpsPerSecond > 0 ? result.OpsPerSecond / baseline.OpsPerSecond : 0;
                text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {result.Variant} | {result.OpsPerSecond:0} | {result.P50Us:0} | {result.P99Us:0} | {result.P999Us:0} | {ratio:0.00} | {result.Cpu?.TotalUs:0.0} | {result.Cpu?.Split()} | {result.Notes} |"));
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// Returns <paramref name="existing"/> with the sections (<c>## name</c>) of <paramref name="fresh"/> in place of
    /// the same-named ones, new sections appended, and every other section kept as it was.
    /// </summary>
    public static string Merge(string existing, string fresh)
    {
        var (header, sections) = Split(existing);
        var (_, replacements) = Split(fresh);
        foreach (var (name, body) in replacements)
        {
            var index = sections.FindIndex(s => s.Name == name);
            if (index >= 0)
            {
                sections[index] = (name, body);
            }
            else
            {
                sections.Add((name, body));
            }
        }

        return header + string.Concat(sections.Select(s => s.Body));
    }

    private static (string Header, List<(string Name, string Body)> Sections) Split(string markdown)
    {
        var parts = markdown.Split("\n## ");
        var sections = parts.Skip(1)
            .Select(p => (Name: p[..p.IndexOf('\n')].Trim(), Body: "\n## " + p.TrimEnd('\n') + "\n"))
            .ToList();
        return (parts[0].TrimEnd('\n') + "\n", sections);
    }
}
