using System.Diagnostics;
using StackExchange.Redis;

namespace OrleansRedis.Testing;

/// <summary>
/// A private <c>redis-server</c> process on a free loopback port with its data in a temporary folder: a test container
/// without Docker. AOF is on and the policy is <c>noeviction</c>, as the State role demands, so it can be killed and
/// restarted with its data.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _directory;
    private readonly IReadOnlyList<string> _extraArguments;
    private Process? _process;

    private RedisServer(int port, string directory, IReadOnlyList<string> extraArguments)
    {
        Port = port;
        _directory = directory;
        _extraArguments = extraArguments;
    }

    /// <summary>Gets the port the server listens on; it stays the same across restarts.</summary>
    public int Port { get; }

    /// <summary>Gets a connection string for the server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false";

    /// <summary>Gets whether the server process is running (not killed, shut down or exited).</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Gets the operating-system process id of the running server.</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("The server is not running.");

    /// <summary>Starts a new server; fails loudly when <c>redis-server</c> is not installed.</summary>
    public static async Task<RedisServer> StartAsync(params string[] extraArguments)
    {
        // Another test process may bind the port between our check and redis-server's bind: try a new port then.
        for (var attempt = 1; ; attempt++)
        {
            var directory = Directory.CreateTempSubdirectory("orleansredis-redis-").FullName;
            var server = new RedisServer(FreePort.Next(), directory, extraArguments);
            try
            {
                await server.StartProcessAsync();
                return server;
            }
            catch (TimeoutException) when (attempt < 3 && server._process is { HasExited: true })
            {
                await server.DisposeAsync();
            }
        }
    }

    /// <summary>Stops the server with SIGKILL: nothing is flushed beyond what AOF already wrote.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Shuts the server down cleanly (SHUTDOWN), as an operator restart would.</summary>
    public async Task ShutdownAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        await RunCliAsync("shutdown");
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Starts the server again on the same port and data folder.</summary>
    public Task RestartAsync() => StartProcessAsync();

    /// <summary>Opens a new admin-enabled connection to the server.</summary>
    public Task<ConnectionMultiplexer> ConnectAsync() =>
        ConnectionMultiplexer.ConnectAsync($"{ConnectionString},allowAdmin=true");

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; never fail a test run over it.
        }
    }

    private async Task StartProcessAsync()
    {
        var arguments = new List<string>
        {
            "--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", _directory,
            "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
            "--maxmemory-policy", "noeviction", "--daemonize", "no", "--protected-mode", "no",
        };
        arguments.AddRange(_extraArguments);
        var info = new ProcessStartInfo(RedisBinary("redis-server"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        await Eventually.TrueAsync(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with code {_process.ExitCode} on port {Port}.");
            }

            return (await RunCliAsync("ping")).Trim() == "PONG";
        }, TimeSpan.FromSeconds(15), $"redis-server answers PING on port {Port}");
    }

    /// <summary>Runs <c>redis-cli</c> against this server and returns its output.</summary>
    public async Task<string> RunCliAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo(RedisBinary("redis-cli"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-p");
        info.ArgumentList.Add(Port.ToString());
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var cli = Process.Start(info)!;
        var output = await cli.StandardOutput.ReadToEndAsync();
        await cli.WaitForExitAsync();
        return output;
    }

    private static string RedisBinary(string name)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/bin").Append("/usr/local/bin"))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"{name} is not installed: the tests need a real Redis (apt-get install -y redis-server; ./test.sh does this).");
    }
}
