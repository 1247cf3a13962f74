using System.Diagnostics;

namespace OrleansRedis.LoadDriver;

/// <summary>
/// Prints one line per operation to standard output, for the fault test to check afterwards:
/// <c>ACK scenario key value ms</c>, <c>ERR scenario key value ms ExceptionType</c>, <c>HANG scenario key value ms</c>.
/// </summary>
public sealed class Ledger(TimeSpan callTimeout)
{
    private readonly object _gate = new();

    /// <summary>Gets the longest an operation may take before it counts as a hang: the call timeout plus one second.</summary>
    public TimeSpan HangAfter { get; } = callTimeout + TimeSpan.FromSeconds(1);

    /// <summary>Runs <paramref name="operation"/> and records how it ended.</summary>
    public async Task<bool> RecordAsync(string scenario, string key, string value, Func<Task> operation)
    {
        var timer = Stopwatch.StartNew();
        var task = operation();
        try
        {
            await task.WaitAsync(HangAfter);
            Write($"ACK {scenario} {key} {value} {timer.ElapsedMilliseconds}");
            return true;
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            Write($"HANG {scenario} {key} {value} {timer.ElapsedMilliseconds}");
            return false;
        }
        catch (Exception ex)
        {
            Write($"ERR {scenario} {key} {value} {timer.ElapsedMilliseconds} {ex.GetType().Name}");
            return false;
        }
    }

    /// <summary>Writes a free-form line (e.g. a value observed).</summary>
    public void Write(string line)
    {
        lock (_gate)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }
}
