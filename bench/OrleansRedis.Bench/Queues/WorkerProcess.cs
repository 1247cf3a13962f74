using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using OrleansRedis.Testing;

namespace OrleansRedis.Bench.Queues;

/// <summary>
/// A queue system's worker (or producer) as its own operating-system process, so the benchmark can SIGKILL it mid-run.
/// Every system's worker speaks one line protocol on standard output: <c>READY</c> once consuming, then
/// <c>COUNT total unixMs</c> every 200 ms, <c>START id latencyUs</c> per job, or <c>START</c> and <c>RAN id</c> per
/// finished job (depending on its <c>--report</c>); <c>stop</c> on standard input stops it gracefully. A producer
/// (<see cref="QueueSystem.SendPacedAsync"/>) may take commands on standard input too.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<(long Count, long UnixMs)> _counts = new();
    private readonly ConcurrentDictionary<string, int> _ran = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _started = new(StringComparer.Ordinal);
    private long _startedTotal;
    private long _ranTotal;
    private long _lastCount;

    private WorkerProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Take(e.Data);
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

    /// <summary>Gets the last <c>COUNT</c> the process reported.</summary>
    public long Count => Interlocked.Read(ref _lastCount);

    /// <summary>Gets every <c>COUNT</c> sample so far.</summary>
    public IReadOnlyList<(long Count, long UnixMs)> Counts => [.. _counts];

    /// <summary>Gets how often each job id was reported as <c>RAN</c>.</summary>
    public IReadOnlyDictionary<string, int> Ran => _ran;

    /// <summary>Gets the number of <c>RAN</c> lines.</summary>
    public long RanTotal => Interlocked.Read(ref _ranTotal);

    /// <summary>Gets how often each job id was reported as <c>START</c>ed.</summary>
    public IReadOnlyDictionary<string, int> Started => _started;

    /// <summary>Gets the number of <c>START</c> lines.</summary>
    public long StartedTotal => Interlocked.Read(ref _startedTotal);

    /// <summary>Gets the other lines printed so far (START, SENT, JSON, errors).</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/>; waits for <paramref name="readyLine"/> unless null.</summary>
    public static async Task<WorkerProcess> StartAsync(string fileName, IEnumerable<string> arguments, string? workingDirectory = null, string? readyLine = "READY")
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        info.Environment["DOTNET_gcServer"] = "0";
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var worker = new WorkerProcess(Process.Start(info) ?? throw new InvalidOperationException($"{fileName} did not start."));
        if (readyLine is not null)
        {
            await Eventually.TrueAsync(() => Task.FromResult(worker.Lines.Contains(readyLine) || worker._process.HasExited),
                TimeSpan.FromSeconds(60), $"{Path.GetFileName(fileName)} prints {readyLine}");
            if (worker._process.HasExited)
            {
                throw new InvalidOperationException($"{fileName} exited with {worker._process.ExitCode}: {string.Join('\n', worker.Lines)}");
            }
        }

        return worker;
    }

    /// <summary>Runs a process to its exit and returns its output lines; fails on a non-zero exit code.</summary>
    public static async Task<IReadOnlyList<string>> RunToExitAsync(string fileName, IEnumerable<string> arguments, string? workingDirectory, TimeSpan timeout)
    {
        await using var process = await StartAsync(fileName, arguments, workingDirectory, readyLine: null);
        await process.WaitForExitAsync(timeout);
        return process._process.ExitCode == 0
            ? process.Lines
            : throw new InvalidOperationException($"{fileName} exited with {process._process.ExitCode}: {string.Join('\n', process.Lines)}");
    }

    /// <summary>Waits for the process to exit by itself.</summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);

        // Exited fires before the asynchronous readers have seen the last lines.
        _process.WaitForExit();
    }

    /// <summary>Kills the process with SIGKILL: nothing is acknowledged, released or flushed, as in a crash.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>Writes one line to the process's standard input (a producer's command).</summary>
    public async Task SendAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Asks the process to stop gracefully; kills it when it has not exited within <paramref name="timeout"/>.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        try
        {
            await _process.StandardInput.WriteLineAsync("stop");
            await _process.StandardInput.FlushAsync();
            await WaitForExitAsync(timeout);
        }
        catch (Exception ex) when (ex is TimeoutException or IOException)
        {
            await KillAsync();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void Take(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line.StartsWith("RAN ", StringComparison.Ordinal))
        {
            _ran.AddOrUpdate(line[4..], 1, (_, n) => n + 1);
            Interlocked.Increment(ref _ranTotal);
            return;
        }

        if (line.StartsWith("START ", StringComparison.Ordinal))
        {
            _started.AddOrUpdate(line.Split(' ')[1], 1, (_, n) => n + 1);
            Interlocked.Increment(ref _startedTotal);
        }

        if (line.StartsWith("COUNT ", StringComparison.Ordinal))
        {
            var parts = line.Split(' ');
            var count = long.Parse(parts[1], CultureInfo.InvariantCulture);
            _counts.Enqueue((count, long.Parse(parts[2], CultureInfo.InvariantCulture)));
            Interlocked.Exchange(ref _lastCount, count);
            return;
        }

        _lines.Enqueue(line);
    }
}
