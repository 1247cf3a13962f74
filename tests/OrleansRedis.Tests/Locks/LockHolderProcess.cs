using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using OrleansRedis.Testing;

namespace OrleansRedis.Tests.Locks;

/// <summary>
/// <c>OrleansRedis.LockHolder</c> running as a real operating-system process that holds a lock, so a test can SIGKILL
/// or SIGSTOP/SIGCONT a holder. It speaks a line protocol (see its Program.cs).
/// </summary>
public sealed class LockHolderProcess : IAsyncDisposable
{
    private const int SigStop = 19;
    private const int SigCont = 18;

    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _seen = [];

    private LockHolderProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (_seen)
                {
                    _seen.Add(line);
                }

                _lines.Writer.TryWrite(line);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (_seen)
                {
                    _seen.Add($"stderr: {line}");
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Gets the holder's lease once it printed <c>ACQUIRED</c>.</summary>
    public (string Token, long FencingToken, DateTimeOffset ExpiresAtUtc) Lease { get; private set; }

    /// <summary>Gets the built holder program.</summary>
    public static string Dll
    {
        get
        {
#if DEBUG
            const string Configuration = "Debug";
#else
            const string Configuration = "Release";
#endif
            var path = Path.Combine(RepositoryPaths.Root, "tests", "OrleansRedis.LockHolder", "bin", Configuration, "net10.0", "OrleansRedis.LockHolder.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"Build tests/OrleansRedis.LockHolder ({Configuration}) first; {path} is missing.", path);
        }
    }

    /// <summary>Starts a holder of lock <paramref name="name"/> in the cluster of <paramref name="redis"/>.</summary>
    /// <param name="mode"><c>raw</c>: one lease through the grain; <c>handle</c>: a self-renewing <c>LockHandle</c>.</param>
    public static LockHolderProcess Start(string redis, string clusterId, string serviceId, string name, int leaseMs, string mode)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(Dll)!,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Dll, name, leaseMs.ToString(), mode })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["OrleansRedis__Redis__State"] = redis;
        info.Environment["OrleansRedis__Cluster__ClusterId"] = clusterId;
        info.Environment["OrleansRedis__Cluster__ServiceId"] = serviceId;
        return new LockHolderProcess(Process.Start(info) ?? throw new InvalidOperationException("The lock holder did not start."));
    }

    /// <summary>Waits for the holder's <c>ACQUIRED</c> line and returns its lease.</summary>
    public async Task<(string Token, long FencingToken, DateTimeOffset ExpiresAtUtc)> WaitAcquiredAsync()
    {
        var parts = (await WaitForLineAsync("ACQUIRED ", TimeSpan.FromSeconds(90))).Split(' ');
        Lease = (parts[1], long.Parse(parts[2]), DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(parts[3])));
        return Lease;
    }

    /// <summary>Waits for the next line starting with <paramref name="prefix"/>, skipping others.</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(deadline.Token);
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return line;
                }

                if (line.StartsWith("NOT_ACQUIRED", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"The holder did not get the lock. Output: {Output}");
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The holder printed no '{prefix}' line within {timeout} (exited: {_process.HasExited}). Output: {Output}");
        }
    }

    /// <summary>Sends a command line to the holder.</summary>
    public async Task SendAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Kills the holder with SIGKILL while it holds the lock: no release, no goodbye.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>Freezes the holder with SIGSTOP, as a long GC pause or a stalled VM would.</summary>
    public void Pause() => Signal(SigStop);

    /// <summary>Resumes a frozen holder with SIGCONT.</summary>
    public void Resume() => Signal(SigCont);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Signal(SigCont);
        }

        await KillAsync();
        _process.Dispose();
    }

    private string Output
    {
        get
        {
            lock (_seen)
            {
                return string.Join(" | ", _seen);
            }
        }
    }

    private void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed with errno {Marshal.GetLastWin32Error()}.");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
