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

    private LoadDriverProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _lines.Enqueue(e.Data);
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
        await Eventually.TrueAsync(() => Task.FromResult(driver.Lines.Contains("READY") || driver._process.HasExited),
            TimeSpan.FromSeconds(60), "the load driver connects");
        return driver._process.HasExited ? throw new InvalidOperationException(string.Join('\n', driver.Lines)) : driver;
    }

    /// <summary>Sends one command line to the driver.</summary>
    public async Task SendAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits until the driver has printed a line that starts with <paramref name="prefix"/>, and returns it.</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        string? found = null;
        await Eventually.TrueAsync(() =>
        {
            found = _lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
            return Task.FromResult(found is not null || _process.HasExited);
        }, timeout, $"the load driver prints '{prefix}'");
        return found ?? throw new InvalidOperationException($"The load driver exited before printing '{prefix}': {string.Join('\n', Lines)}");
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
