using System.Globalization;

namespace OrleansRedis.Bench.Harness;

/// <summary>
/// CPU time of every process a variant involves (this benchmark process with its client, the silos, Redis and any
/// peer worker), read from <c>/proc/{pid}/stat</c> (user + system time of all threads). On a shared 2-core machine
/// throughput is partly a matter of who gets the cores; CPU time per operation summed over all processes is the cost.
/// </summary>
public static class CpuMeter
{
    private static readonly long TicksPerSecond = ReadClockTicks();
    private static readonly Dictionary<int, string> Tracked = [];

    /// <summary>Counts <paramref name="processId"/>'s CPU time under <paramref name="role"/> (e.g. <c>silos</c>) from now on.</summary>
    public static void Track(string role, int processId)
    {
        lock (Tracked)
        {
            Tracked[processId] = role;
        }
    }

    /// <summary>Stops counting <paramref name="processId"/> (a process that is about to exit).</summary>
    public static void Untrack(int processId)
    {
        lock (Tracked)
        {
            Tracked.Remove(processId);
        }
    }

    /// <summary>Reads the CPU time used so far by every tracked process, and by this one as <c>client</c>.</summary>
    public static Snapshot Read()
    {
        var byProcess = new Dictionary<int, (string Role, TimeSpan Cpu)>
        {
            [Environment.ProcessId] = ("client", ProcessCpu(Environment.ProcessId) ?? TimeSpan.Zero),
        };
        lock (Tracked)
        {
            foreach (var (pid, role) in Tracked)
            {
                if (ProcessCpu(pid) is { } cpu)
                {
                    byProcess[pid] = (role, cpu);
                }
            }
        }

        return new Snapshot(byProcess);
    }

    private static TimeSpan? ProcessCpu(int processId)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{processId}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // The command name (field 2) is in parentheses and may hold spaces; fields 14 and 15 follow the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds((double)ticks / TicksPerSecond);
    }

    // USER_HZ is 100 on every Linux the project runs on; getconf tells when it is not.
    private static long ReadClockTicks()
    {
        try
        {
            using var getconf = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("getconf", "CLK_TCK")
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            })!;
            var text = getconf.StandardOutput.ReadToEnd().Trim();
            getconf.WaitForExit();
            return long.TryParse(text, CultureInfo.InvariantCulture, out var ticks) && ticks > 0 ? ticks : 100;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return 100;
        }
    }

    /// <summary>CPU time per process at one instant.</summary>
    public sealed class Snapshot(IReadOnlyDictionary<int, (string Role, TimeSpan Cpu)> byProcess)
    {
        /// <summary>
        /// The CPU time used between this snapshot and <paramref name="later"/>, per role in a fixed order
        /// (client, silos, redis, then others), only for processes present in both.
        /// </summary>
        public IReadOnlyList<(string Role, TimeSpan Cpu)> Until(Snapshot later)
        {
            var perRole = new Dictionary<string, TimeSpan>();
            foreach (var (pid, (role, cpu)) in later.ByProcess)
            {
                if (ByProcess.TryGetValue(pid, out var before))
                {
                    perRole[role] = perRole.GetValueOrDefault(role) + (cpu - before.Cpu);
                }
            }

            string[] order = ["client", "silos", "redis"];
            return perRole.OrderBy(p => Array.IndexOf(order, p.Key) is var i && i < 0 ? int.MaxValue : i).ThenBy(p => p.Key)
                .Select(p => (p.Key, p.Value)).ToList();
        }

        private IReadOnlyDictionary<int, (string Role, TimeSpan Cpu)> ByProcess { get; } = byProcess;
    }
}
