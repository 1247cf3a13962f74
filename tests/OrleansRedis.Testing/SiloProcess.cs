using System.Diagnostics;
using System.Text;

namespace OrleansRedis.Testing;

/// <summary>
/// The built silo host running as a real operating-system process on free ports, for tests about processes: start,
/// readiness, external clients, kills.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SiloProcess(Process process, int httpPort, int gatewayPort)
    {
        _process = process;
        HttpPort = httpPort;
        GatewayPort = gatewayPort;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(15) };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Gets the HTTP port.</summary>
    public int HttpPort { get; }

    /// <summary>Gets the Orleans gateway port.</summary>
    public int GatewayPort { get; }

    /// <summary>Gets a client for the silo's HTTP API.</summary>
    public HttpClient Http { get; }

    /// <summary>Gets the operating-system process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Gets whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Gets everything the process printed so far.</summary>
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

    /// <summary>
    /// Starts a silo joined to the cluster in <paramref name="redis"/>, with test membership timings: the silo host, or
    /// <paramref name="host"/> (a program that hosts a silo the same way, with <paramref name="arguments"/>).
    /// </summary>
    public static SiloProcess Start(
        string redis, string clusterId, string serviceId, IReadOnlyDictionary<string, string>? settings = null,
        string? host = null, IReadOnlyList<string>? arguments = null)
    {
        var httpPort = FreePort.Next();
        var gatewayPort = FreePort.Next();
        var environment = new Dictionary<string, string>(TestMembership.Environment)
        {
            ["OrleansRedis__Redis__State"] = redis,
            ["OrleansRedis__Cluster__ClusterId"] = clusterId,
            ["OrleansRedis__Cluster__ServiceId"] = serviceId,
            ["OrleansRedis__Cluster__SiloPort"] = FreePort.Next().ToString(),
            ["OrleansRedis__Cluster__GatewayPort"] = gatewayPort.ToString(),
            ["OrleansRedis__Http__Port"] = httpPort.ToString(),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return new SiloProcess(StartDotnet(host ?? RepositoryPaths.SiloDll, environment, arguments ?? []), httpPort, gatewayPort);
    }

    /// <summary>
    /// Starts an instance of the sample web app (<see cref="RepositoryPaths.WebAppDll"/>) on free ports: its silo joins
    /// the cluster in <paramref name="redis"/> through Orleans' own configuration (<c>Orleans:*</c>,
    /// <c>ConnectionStrings:redis</c>), as its appsettings.json and Aspire's AppHost configure it.
    /// </summary>
    public static SiloProcess StartWebApp(
        string redis, string clusterId, string serviceId, string instance, IReadOnlyDictionary<string, string>? settings = null)
    {
        var httpPort = FreePort.Next();
        var gatewayPort = FreePort.Next();
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__redis"] = redis,
            ["Orleans__ClusterId"] = clusterId,
            ["Orleans__ServiceId"] = serviceId,
            ["Orleans__Endpoints__SiloPort"] = FreePort.Next().ToString(),
            ["Orleans__Endpoints__GatewayPort"] = gatewayPort.ToString(),
            ["Sample__Instance"] = instance,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return new SiloProcess(StartDotnet(RepositoryPaths.WebAppDll, environment, ["--urls", $"http://127.0.0.1:{httpPort}"]), httpPort, gatewayPort);
    }

    /// <summary>Runs a built program to completion and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(
        string dll, IReadOnlyDictionary<string, string> environment, IEnumerable<string> arguments, TimeSpan timeout)
    {
        using var process = StartDotnet(dll, environment, arguments);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(dll)} did not exit within {timeout}. Output: {await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200.</summary>
    public Task WaitReadyAsync(TimeSpan? timeout = null) =>
        Eventually.TrueAsync(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The silo exited with code {_process.ExitCode}: {Output}");
            }

            using var response = await Http.GetAsync("/health/ready");
            return response.IsSuccessStatusCode;
        }, timeout ?? TimeSpan.FromSeconds(90), $"the silo on HTTP port {HttpPort} is ready");

    /// <summary>Kills the process with SIGKILL: no graceful shutdown, as in a crash.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Http.Dispose();
        _process.Dispose();
    }

    private static Process StartDotnet(string dll, IReadOnlyDictionary<string, string> environment, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_gcServer"] = "0";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"{dll} did not start.");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        // SILO_LOG_DIR keeps every line (the tail below is bounded), stamped, for looking into a failed fault scenario.
        if (Environment.GetEnvironmentVariable("SILO_LOG_DIR") is { Length: > 0 } dir)
        {
            lock (_output)
            {
                File.AppendAllText(Path.Combine(dir, $"silo-{_process.Id}.log"), $"{DateTime.UtcNow:HH:mm:ss.fff} {line}{Environment.NewLine}");
            }
        }

        lock (_output)
        {
            // Keep the tail only: a long-running silo must not grow the test's memory without bound.
            if (_output.Length > 200_000)
            {
                _output.Remove(0, 100_000);
            }

            _output.AppendLine(line);
        }
    }
}
