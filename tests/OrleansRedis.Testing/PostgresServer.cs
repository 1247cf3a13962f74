using System.Diagnostics;
using System.Net.Sockets;

namespace OrleansRedis.Testing;

/// <summary>
/// A private PostgreSQL server (the distribution's binaries) on a free loopback port with its cluster in a temporary
/// folder: a test container without Docker. PostgreSQL refuses to run as root, so when the tests run as root every
/// command runs as the <c>postgres</c> user through <c>runuser</c>. Durability is traded for speed (fsync off).
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string User = "postgres";
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);

    private readonly string _directory;
    private readonly string _binaries;

    private PostgresServer(int port, string directory, string binaries)
    {
        Port = port;
        _directory = directory;
        _binaries = binaries;
    }

    /// <summary>Gets the port the server listens on; it stays the same across restarts.</summary>
    public int Port { get; }

    /// <summary>Gets a connection string for the <c>postgres</c> database as the <c>postgres</c> superuser.</summary>
    public string ConnectionString => ConnectionStringFor("postgres");

    /// <summary>Gets whether the server is running (as far as this object started or stopped it).</summary>
    public bool IsRunning { get; private set; }

    /// <summary>Initializes a cluster in a new temporary folder and starts it; fails loudly when PostgreSQL is not installed.</summary>
    public static async Task<PostgresServer> StartAsync()
    {
        var binaries = FindBinaries();
        var directory = Directory.CreateTempSubdirectory("orleansredis-pg-").FullName;
        var server = new PostgresServer(FreePort.Next(), directory, binaries);
        try
        {
            await server.ChownAsync();
            await server.RunAsync("initdb", ["-D", server.DataDirectory, "-A", "trust", "-U", User, "--no-sync", "-E", "UTF8"], TimeSpan.FromSeconds(120));
            await server.RestartAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Returns a connection string for database <paramref name="database"/>.</summary>
    public string ConnectionStringFor(string database) =>
        $"Host=127.0.0.1;Port={Port};Username={User};Database={database};Pooling=true";

    /// <summary>Creates database <paramref name="database"/> and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string database)
    {
        await RunAsync("psql", ["-h", "127.0.0.1", "-p", Port.ToString(), "-U", User, "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", $"CREATE DATABASE \"{database}\""], TimeSpan.FromSeconds(30));
        return ConnectionStringFor(database);
    }

    /// <summary>Stops the server (fast shutdown: open connections are cut, as in a database outage).</summary>
    public async Task StopAsync()
    {
        if (IsRunning)
        {
            await RunAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], TimeSpan.FromSeconds(70));
            IsRunning = false;
        }
    }

    /// <summary>Starts the server again on the same port and data.</summary>
    public async Task RestartAsync()
    {
        var options = $"-p {Port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200";
        await RunAsync("pg_ctl", ["-D", DataDirectory, "-o", options, "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "60", "start"], StartDeadline + TimeSpan.FromSeconds(10));
        IsRunning = true;
        await Eventually.TrueAsync(() => Task.FromResult(Accepts()), StartDeadline, $"PostgreSQL accepts connections on port {Port}");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            // A server that will not stop cleanly is killed with its folder below; never fail a test run over cleanup.
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private string DataDirectory => Path.Combine(_directory, "data");

    private bool Accepts()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private async Task ChownAsync()
    {
        if (Environment.UserName != "root")
        {
            return;
        }

        using var chown = Process.Start(new ProcessStartInfo("chown", ["-R", $"{User}:{User}", _directory]) { UseShellExecute = false })!;
        await chown.WaitForExitAsync();
        if (chown.ExitCode != 0)
        {
            throw new InvalidOperationException($"chown of {_directory} to {User} failed with exit code {chown.ExitCode}.");
        }
    }

    private async Task RunAsync(string tool, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var path = Path.Combine(_binaries, tool);
        var info = Environment.UserName == "root"
            ? new ProcessStartInfo("runuser", ["-u", User, "--", path, .. arguments])
            : new ProcessStartInfo(path, arguments);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        info.WorkingDirectory = _directory;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{tool} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} did not finish within {timeout}: {await stdout}{await stderr}");
        }

        if (process.ExitCode != 0)
        {
            var log = Path.Combine(_directory, "server.log");
            var serverLog = File.Exists(log) ? File.ReadAllText(log) : string.Empty;
            throw new InvalidOperationException($"{tool} failed with exit code {process.ExitCode}: {await stdout}{await stderr}{serverLog}");
        }
    }

    private static string FindBinaries()
    {
        var candidates = new[] { "/usr/lib/postgresql/15/bin" }
            .Concat(Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => d).Select(d => Path.Combine(d, "bin"))
                : []);
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            ?? throw new InvalidOperationException(
                "PostgreSQL is not installed: the tests need a real server (apt-get install -y postgresql; ./test.sh does this).");
    }
}
