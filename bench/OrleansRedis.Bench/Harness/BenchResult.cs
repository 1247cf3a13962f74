namespace OrleansRedis.Bench.Harness;

/// <summary>One measured variant of a scenario.</summary>
/// <param name="Scenario">The scenario, e.g. <c>ratelimit-hot-key</c>.</param>
/// <param name="Variant">What was measured, e.g. <c>grain (external client)</c> or <c>direct Lua</c>.</param>
/// <param name="Operations">Completed operations.</param>
/// <param name="OpsPerSecond">Throughput.</param>
/// <param name="P50Us">Median latency in microseconds.</param>
/// <param name="P99Us">99th percentile latency in microseconds.</param>
/// <param name="P999Us">99.9th percentile latency in microseconds.</param>
/// <param name="Notes">Anything else worth reading next to the numbers (errors, database queries, ratios).</param>
public sealed record BenchResult(
    string Scenario, string Variant, long Operations, double OpsPerSecond, double P50Us, double P99Us, double P999Us, string Notes = "")
{
    /// <summary>Gets the CPU time per operation summed over every process involved, when it was measured.</summary>
    public CpuPerOperation? Cpu { get; init; }

    /// <summary>Gets the machine's 1-minute load average when the variant finished, when it was read.</summary>
    public double? LoadAverage { get; init; } = ReadLoadAverage();

    /// <summary>Reads the 1-minute load average from <c>/proc/loadavg</c>; null where there is none.</summary>
    public static double? ReadLoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }
}

/// <summary>CPU time per operation, in total and per role (client, silos, redis, peer workers).</summary>
/// <param name="TotalUs">Microseconds of CPU per operation, all processes together.</param>
/// <param name="PerRoleUs">Microseconds of CPU per operation of each role, in report order.</param>
public sealed record CpuPerOperation(double TotalUs, IReadOnlyList<(string Role, double Us)> PerRoleUs)
{
    /// <summary>Divides the CPU time each role used by <paramref name="operations"/>.</summary>
    public static CpuPerOperation? From(IReadOnlyList<(string Role, TimeSpan Cpu)> cpu, long operations)
    {
        if (operations <= 0)
        {
            return null;
        }

        var perRole = cpu.Select(c => (c.Role, c.Cpu.TotalMicroseconds / operations)).ToList();
        return new CpuPerOperation(perRole.Sum(r => r.Item2), perRole);
    }

    /// <summary>Renders the split as <c>client 12 + silos 30 + redis 8</c>.</summary>
    public string Split() => string.Join(" + ", PerRoleUs.Select(r => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{r.Role} {r.Us:0}")));
}
