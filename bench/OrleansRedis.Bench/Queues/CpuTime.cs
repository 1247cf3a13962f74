using System.Diagnostics;
using System.Globalization;

namespace OrleansRedis.Bench.Queues;

/// <summary>CPU time (user + system) of a process from <c>/proc/{pid}/stat</c>, to say where a measurement's time went.</summary>
public sealed class CpuTime
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux
    private readonly int _processId;
    private readonly double _start;

    private CpuTime(int processId)
    {
        _processId = processId;
        _start = Seconds(processId);
    }

    /// <summary>Starts measuring <paramref name="processId"/>.</summary>
    public static CpuTime Sample(int processId) => new(processId);

    /// <summary>Returns the CPU seconds used since the sample (0 when the process is gone).</summary>
    public double Elapsed() => Math.Max(0, Seconds(_processId) - _start);

    /// <summary>Returns the CPU seconds <paramref name="processId"/> has used so far (0 when it is gone).</summary>
    public static double Seconds(int processId)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{processId}/stat");

            // Fields after the command name, which is in parentheses and may hold spaces: utime is field 14, stime 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            Debug.WriteLine(ex.Message);
            return 0;
        }
    }
}
