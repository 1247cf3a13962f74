using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansRedis.Testing;

namespace OrleansRedis.FaultTests.Harness;

/// <summary>The load driver running as its own OS process (an external client), with its ledger collected as it runs.</summary>
public sealed class LoadDriverProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

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
                if (LedgerSummary.IsAck(e.Data))
                {
                    Interlocked.Increment(ref _acks);
                }
            }
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

    /// <summary>Gets the ledger parsed from the lines printed so far.</summary>
    public LedgerSummary Ledger => LedgerSummary.Parse(Lines);

    /// <summary>Starts the driver against <paramref name="cluster"/> and waits until it is connected.</summary>
    public static async Task<LoadDriverProcess> StartAsync(FaultCluster cluster, string scenario, int workers, IReadOnlyDictionary<string, string>? extra = null)
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
            ["--redis"] = cluster.ClientRedis,
            ["--cluster"] = cluster.ClusterId,
            ["--service"] = cluster.ServiceId,
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
        await Eventually.TrueAsync(() => Task.FromResult(driver.Lines.Contains("READY") || driver._process.HasExited),
            TimeSpan.FromSeconds(60), "the load driver connects");
        return driver._process.HasExited ? throw new InvalidOperationException(string.Join('\n', driver.Lines)) : driver;
    }

    /// <summary>Waits until the ledger has at least <paramref name="count"/> more acknowledgements than now.</summary>
    public Task WaitForAcksAsync(int count, TimeSpan timeout)
    {
        var target = Volatile.Read(ref _acks) + count;
        return Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref _acks) >= target), timeout, $"the driver gets {count} more acknowledgements");
    }

    /// <summary>Asks the driver to stop and waits until it has finished every in-flight operation.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        await _process.StandardInput.WriteLineAsync("stop");
        await _process.StandardInput.FlushAsync();
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
    }

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
