using System.Diagnostics;
using System.Text;
using OrleansRedis.Testing;

namespace OrleansRedis.Tests.Infrastructure;

/// <summary>
/// <c>./run.sh</c> running as a user runs it (Redis on a free port, silos on HTTP 8080 and 8081). Tests that use it
/// share the <see cref="RunScriptCollection"/>, so only one runs at a time: the HTTP ports are fixed by design.
/// </summary>
public sealed class RunScriptCluster : IAsyncDisposable
{
    private readonly Process _script;
    private readonly StringBuilder _output = new();

    private RunScriptCluster(Process script, int redisPort)
    {
        _script = script;
        RedisPort = redisPort;
        script.OutputDataReceived += (_, e) => Append(e.Data);
        script.ErrorDataReceived += (_, e) => Append(e.Data);
        script.BeginOutputReadLine();
        script.BeginErrorReadLine();
    }

    /// <summary>Gets the port of the State Redis run.sh started.</summary>
    public int RedisPort { get; }

    /// <summary>Gets the admin key run.sh generated.</summary>
    public string AdminKey => File.ReadAllText(Path.Combine(RepositoryPaths.Root, ".data", "admin-key")).Trim();

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
        var info = new ProcessStartInfo("bash", [Path.Combine(RepositoryPaths.Root, "run.sh"), "--silos", "2"])
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["REDIS_PORT"] = redisPort.ToString();
        var cluster = new RunScriptCluster(Process.Start(info)!, redisPort);
        await Eventually.TrueAsync(() => Task.FromResult(cluster.Output.Contains("OrleansRedis is ready", StringComparison.Ordinal) || cluster.HasExited),
            TimeSpan.FromMinutes(3), "run.sh reports ready");
        return cluster.HasExited ? throw new InvalidOperationException($"run.sh exited: {cluster.Output}") : cluster;
    }

    /// <summary>Sends SIGTERM, as Ctrl+C or an orchestrator would, and waits for the script to finish.</summary>
    public async Task StopAsync()
    {
        if (!_script.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _script.Id.ToString()])!;
            await kill.WaitForExitAsync();
            await _script.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _script.Dispose();
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}

/// <summary>Tests that start <c>./run.sh</c>; they run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunScriptCollection
{
    public const string Name = "run-script";
}
