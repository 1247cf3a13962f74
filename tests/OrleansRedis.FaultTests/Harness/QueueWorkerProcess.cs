using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansRedis.Testing;

namespace OrleansRedis.FaultTests.Harness;

/// <summary>
/// An external queue worker as its own OS process (<c>OrleansRedis.QueueWorker worker</c>: the .NET QueueWorker with the
/// ledger handler), joined to a <see cref="FaultCluster"/> as a client, so a test can SIGKILL it mid-job.
/// </summary>
public sealed class QueueWorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private QueueWorkerProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data is null ? null : "STDERR " + e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Gets the operating-system process id (the ledger's <c>worker:{pid}</c>).</summary>
    public int ProcessId => _process.Id;

    /// <summary>Gets the last lines printed, for a failure message.</summary>
    public string Output => string.Join('\n', _lines.TakeLast(50));

    /// <summary>Starts a worker of <paramref name="queue"/> with <paramref name="arguments"/> and waits until it runs.</summary>
    public static async Task<QueueWorkerProcess> StartAsync(FaultCluster cluster, string queue, string ledger, IReadOnlyDictionary<string, string> arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(RepositoryPaths.QueueWorkerDll)!,
        };
        info.ArgumentList.Add(RepositoryPaths.QueueWorkerDll);
        info.ArgumentList.Add("worker");
        foreach (var (key, value) in new Dictionary<string, string>(arguments) { ["--queue"] = queue, ["--ledger"] = ledger })
        {
            info.ArgumentList.Add(key);
            info.ArgumentList.Add(value);
        }

        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["OrleansRedis__Redis__State"] = cluster.ClientRedis;
        info.Environment["OrleansRedis__Cluster__ClusterId"] = cluster.ClusterId;
        info.Environment["OrleansRedis__Cluster__ServiceId"] = cluster.ServiceId;
        info.Environment["OrleansRedis__Client__GatewayListRefreshPeriod"] = "00:00:02";
        var worker = new QueueWorkerProcess(Process.Start(info)!);
        await Eventually.TrueAsync(() => Task.FromResult(worker._lines.Contains("READY") || worker._process.HasExited),
            TimeSpan.FromSeconds(60), "the queue worker connects");
        return worker._process.HasExited ? throw new InvalidOperationException(worker.Output) : worker;
    }

    /// <summary>Kills the process with SIGKILL: its leases are neither completed nor returned, as in a crash.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>Asks the worker to stop gracefully (it finishes or returns its jobs) and waits for it.</summary>
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
        await KillAsync();
        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue(line);
        while (_lines.Count > 500 && _lines.TryDequeue(out _))
        {
        }
    }
}
