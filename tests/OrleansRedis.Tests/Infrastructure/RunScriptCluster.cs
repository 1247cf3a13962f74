using System.Diagnostics;
using System.Text;
using OrleansRedis.Testing;

namespace OrleansRedis.Tests.Infrastructure;

/// <summary>
/// <c>./run.sh</c> running as a user runs it from a terminal: in a process group of its own with SIGINT at its default
/// (as a terminal's foreground job), Redis on a free port, silos on HTTP 8080 and 8081, data in a temporary
/// <c>.data</c> folder. Tests that use it sit in <see cref="RunScriptCollection"/> or
/// <see cref="SharedRunScriptCollection"/>, which run on their own, one test at a time: the HTTP ports are fixed by design.
/// </summary>
public sealed class RunScriptCluster : IAsyncDisposable
{
    private readonly Process _script;
    private readonly StringBuilder _output = new();

    private RunScriptCluster(Process script, int redisPort, string home)
    {
        _script = script;
        RedisPort = redisPort;
        Home = home;
        script.OutputDataReceived += (_, e) => Append(e.Data);
        script.ErrorDataReceived += (_, e) => Append(e.Data);
        script.BeginOutputReadLine();
        script.BeginErrorReadLine();
    }

    /// <summary>Gets the port of the State Redis run.sh started.</summary>
    public int RedisPort { get; }

    /// <summary>Gets the folder that holds run.sh's <c>.data</c>; commands that read <c>.data/admin-key</c> run here.</summary>
    public string Home { get; }

    /// <summary>Gets run.sh's data folder (<c>ORLEANSREDIS_DATA</c>).</summary>
    public string DataDirectory => Path.Combine(Home, ".data");

    /// <summary>Gets the admin key run.sh generated.</summary>
    public string AdminKey => File.ReadAllText(Path.Combine(DataDirectory, "admin-key")).Trim();

    /// <summary>Gets the process id of the script, which is also its process group id.</summary>
    public int ProcessId => _script.Id;

    /// <summary>Gets whether the script has exited.</summary>
    public bool HasExited => _script.HasExited;

    /// <summary>Gets what the script printed.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts <c>./run.sh --silos 2</c> and waits until it reports ready.</summary>
    public static async Task<RunScriptCluster> StartAsync()
    {
        var redisPort = FreePort.Next();
        var home = Directory.CreateTempSubdirectory("run-sh-").FullName;

        // perl-base is in every Debian. A process started from a background job inherits SIGINT ignored, and bash
        // cannot trap a signal ignored on entry; a terminal's foreground job has it at its default.
        var info = new ProcessStartInfo("perl",
            ["-MPOSIX", "-e", "POSIX::setsid() or die \"setsid: $!\"; $SIG{INT} = 'DEFAULT'; exec @ARGV or die \"exec: $!\"",
             "bash", Path.Combine(RepositoryPaths.Root, "run.sh"), "--silos", "2"])
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["REDIS_PORT"] = redisPort.ToString();
        info.Environment["ORLEANSREDIS_DATA"] = Path.Combine(home, ".data");
        var cluster = new RunScriptCluster(Process.Start(info)!, redisPort, home);
        try
        {
            // The banner's last line, not its first: between them the script still runs `$(seq ...)` subshells, which
            // a test counting the script's children (Redis and the silos) would see as a fourth child.
            await Eventually.TrueAsync(() => Task.FromResult(cluster.Output.Contains("Ctrl+C stops everything.", StringComparison.Ordinal) || cluster.HasExited),
                TimeSpan.FromMinutes(3), "run.sh reports ready");
            return cluster.HasExited ? throw new InvalidOperationException($"run.sh exited: {cluster.Output}") : cluster;
        }
        catch
        {
            // A script that never got ready still holds (or is about to hold) the fixed ports: stop it and its children
            // so that the next test does not inherit them.
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Gets the processes the script started (Redis and the silos): its children.</summary>
    public IReadOnlyList<int> ChildProcessIds()
    {
        var children = $"/proc/{_script.Id}/task/{_script.Id}/children";
        return File.Exists(children)
            ? File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList()
            : [];
    }

    /// <summary>Sends SIGTERM to the script alone, as an orchestrator would, and returns how long it took to exit.</summary>
    public Task<TimeSpan> TerminateAsync() => SignalAndWaitAsync("-TERM", _script.Id.ToString());

    /// <summary>Sends SIGINT to the script's whole process group, as Ctrl+C in a terminal does, and returns how long it took to exit.</summary>
    public Task<TimeSpan> InterruptGroupAsync() => SignalAndWaitAsync("-INT", $"-{_script.Id}");

    /// <summary>Stops the script if it still runs.</summary>
    public async Task StopAsync()
    {
        if (!_script.HasExited)
        {
            await TerminateAsync();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        var children = _script.HasExited ? [] : ChildProcessIds();
        try
        {
            await StopAsync();
        }
        finally
        {
            // A failed stop must not leave Redis or a silo holding the fixed ports for the next test.
            foreach (var child in children)
            {
                try
                {
                    using var process = Process.GetProcessById(child);
                    process.Kill(entireProcessTree: true);
                }
                catch (ArgumentException)
                {
                    // Already gone.
                }
            }

            _script.Dispose();
            try
            {
                Directory.Delete(Home, recursive: true);
            }
            catch (IOException)
            {
                // A file still open by a dying process; the temporary folder is cleaned up by the system.
            }
        }
    }

    private async Task<TimeSpan> SignalAndWaitAsync(string signal, string target)
    {
        var clock = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", [signal, "--", target])!)
        {
            await kill.WaitForExitAsync();
        }

        await _script.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        return clock.Elapsed;
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}

/// <summary>Tests that start (and stop) a <c>./run.sh</c> of their own; they run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunScriptCollection
{
    public const string Name = "run-script";
}
