using System.Collections.Concurrent;
using System.Diagnostics;

namespace OrleansRedis.Testing;

/// <summary>
/// <c>tests/OrleansRedis.LoadDriver</c> running as its own OS process (an external client of a cluster), with what it
/// prints collected as it runs and commands sent on its standard input (see its Program.cs).
/// </summary>
public sealed class LoadDriverProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private TaskCompletionSource _printed = NewSignal();
    private volatile bool _ended;

    // Counted as the lines arrive: a wait for progress then reads one number instead of parsing the whole ledger, which
    // grows to hundreds of thousands of lines (every failed call is one) while the silos it waits for need the CPU.
    private int _acks;

    private LoadDriverProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _lines.Enqueue(e.Data);
                if (IsAck(e.Data))
                {
                    Interlocked.Increment(ref _acks);
                }
            }
            else
            {
                _ended = true; // the process exits
            }

            // Either way a waiter looks again.
            Interlocked.Exchange(ref _printed, NewSignal()).TrySetResult();
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _lines.Enqueue("STDERR " + e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Gets the operating-system process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Gets every line printed so far.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>
    /// Starts the driver with <paramref name="scenario"/> against the cluster whose membership is in
    /// <paramref name="redis"/> and waits until it prints <c>READY</c>.
    /// </summary>
    public static async Task<LoadDriverProcess> StartAsync(
        string redis, string clusterId, string serviceId, string scenario, int workers, IReadOnlyDictionary<string, string>? extra = null)
    {
        var dll = Path.Combine(RepositoryPaths.Root, "tests", "OrleansRedis.LoadDriver", "bin", Configuration, "net10.0", "OrleansRedis.LoadDriver.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var arguments = new Dictionary<string, string>
        {
            ["--redis"] = redis,
            ["--cluster"] = clusterId,
            ["--service"] = serviceId,
            ["--scenario"] = scenario,
            ["--workers"] = workers.ToString(),
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            arguments[key] = value;
        }

        info.ArgumentList.Add(dll);
        foreach (var (key, value) in arguments)
        {
            info.ArgumentList.Add(key);
            info.ArgumentList.Add(value);
        }

        var driver = new LoadDriverProcess(Process.Start(info)!);
        await driver.WaitForLineAsync("READY", TimeSpan.FromSeconds(60));
        return driver;
    }

    /// <summary>Gets how many acknowledgement lines (<see cref="IsAck"/>) the driver has printed so far.</summary>
    public int Acks => Volatile.Read(ref _acks);

    /// <summary>Whether <paramref name="line"/> is an acknowledgement line of the driver's ledger (<c>ACK</c> and four fields).</summary>
    public static bool IsAck(string line) =>
        line.StartsWith("ACK ", StringComparison.Ordinal) && line.AsSpan().Count(' ') >= 4;

    /// <summary>Sends one command line to the driver.</summary>
    public async Task SendAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>
    /// Waits until the driver has printed a line that starts with <paramref name="prefix"/>, and returns it; woken by
    /// each line printed, so a test that waits for many lines in turn loses no poll interval on each.
    /// </summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var printed = Volatile.Read(ref _printed).Task;
            if (_lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) is { } found)
            {
                return found;
            }

            if (_ended)
            {
                throw new InvalidOperationException($"The load driver exited before printing '{prefix}': {string.Join('\n', Lines)}");
            }

            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (left <= TimeSpan.Zero || await Task.WhenAny(printed, Task.Delay(left)) != printed)
            {
                throw new TimeoutException($"Timed out after {timeout} waiting until the load driver prints '{prefix}'.");
            }
        }
    }

    /// <summary>Asks the driver to stop and waits until it has finished every in-flight operation.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        await SendAsync("stop");
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif
}
