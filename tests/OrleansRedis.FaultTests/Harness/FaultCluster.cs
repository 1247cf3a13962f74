using OrleansRedis.Testing;
using StackExchange.Redis;

namespace OrleansRedis.FaultTests.Harness;

/// <summary>
/// A private redis-server (AOF <c>always</c>) and real silo processes that reach it through a <see cref="FaultProxy"/>,
/// with the faults production meets: SIGKILL a silo, SIGSTOP/SIGCONT it, SIGKILL and restart Redis, CLIENT PAUSE,
/// network delay, blackhole and reset, stop and start every silo.
/// </summary>
public sealed class FaultCluster : IAsyncDisposable
{
    private static readonly Dictionary<string, string> WithoutDashboard = new() { ["OrleansRedis__Dashboard__Enabled"] = "false" };

    private readonly List<SiloProcess> _silos = [];
    private readonly IReadOnlyDictionary<string, string> _siloSettings;

    private readonly string? _siloHost;
    private readonly IReadOnlyList<string>? _siloArguments;

    private FaultCluster(
        RedisServer redis, FaultProxy proxy, IReadOnlyDictionary<string, string> siloSettings, string? siloHost, IReadOnlyList<string>? siloArguments)
    {
        Redis = redis;
        Proxy = proxy;
        _siloSettings = siloSettings;
        _siloHost = siloHost;
        _siloArguments = siloArguments;
    }

    /// <summary>Gets the Redis server.</summary>
    public RedisServer Redis { get; }

    /// <summary>Gets the proxy the silos reach Redis through.</summary>
    public FaultProxy Proxy { get; }

    /// <summary>Gets the running silos.</summary>
    public IReadOnlyList<SiloProcess> Silos => _silos;

    /// <summary>Gets the cluster id.</summary>
    public string ClusterId { get; } = $"fault-{Guid.NewGuid():N}";

    /// <summary>Gets the service id.</summary>
    public string ServiceId { get; } = $"fault-{Guid.NewGuid():N}";

    /// <summary>Gets the connection string clients use (straight to Redis, not through the proxy).</summary>
    public string ClientRedis => Redis.ConnectionString;

    /// <summary>
    /// The time the test membership settings need to declare a dead silo dead: NumMissedProbesLimit (2) probes of
    /// ProbeTimeout (1 s), one more probe period of slack for a silo that died just after answering, and one
    /// TableRefreshTimeout (2 s) for the other silos to read the verdict.
    /// </summary>
    public static TimeSpan DetectionTime { get; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Starts Redis, the proxy and <paramref name="silos"/> silo processes, and waits until all are ready. The silos
    /// run the silo host, or <paramref name="siloHost"/> with <paramref name="siloArguments"/> (a host of the same
    /// silo with test additions, such as in-silo queue handlers).
    /// </summary>
    public static async Task<FaultCluster> StartAsync(
        int silos = 3, IReadOnlyDictionary<string, string>? siloSettings = null, string? siloHost = null, IReadOnlyList<string>? siloArguments = null)
    {
        // The silo host runs without the Orleans dashboard, as the benchmarks' silos do: its per-call filter and counter
        // walk cost every silo CPU (docs/operations.md, "Dashboard") that recovery needs on two cores, and no scenario
        // reads it. A host of the scenario's own (siloHost) runs as that host is configured.
        var settings = new Dictionary<string, string>(siloHost is null ? WithoutDashboard : new Dictionary<string, string>());
        foreach (var (key, value) in siloSettings ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var redis = await RedisServer.StartAsync("--appendfsync", "always");
        var cluster = new FaultCluster(redis, FaultProxy.Start(redis.Port), settings, siloHost, siloArguments);
        for (var i = 0; i < silos; i++)
        {
            cluster._silos.Add(cluster.NewSilo());
        }

        await Task.WhenAll(cluster._silos.Select(s => s.WaitReadyAsync()));
        return cluster;
    }

    /// <summary>SIGKILLs silo <paramref name="index"/> and starts a replacement in its slot; returns when it is ready.</summary>
    public async Task KillAndReplaceSiloAsync(int index)
    {
        await _silos[index].KillAsync();
        await _silos[index].DisposeAsync();
        _silos[index] = NewSilo();
        await _silos[index].WaitReadyAsync();
    }

    /// <summary>SIGKILLs silo <paramref name="index"/> without replacing it.</summary>
    public Task KillSiloAsync(int index) => _silos[index].KillAsync();

    /// <summary>Starts a new silo in slot <paramref name="index"/> (after a kill) and waits until it is ready.</summary>
    public async Task ReplaceSiloAsync(int index)
    {
        await _silos[index].DisposeAsync();
        _silos[index] = NewSilo();
        await _silos[index].WaitReadyAsync();
    }

    /// <summary>SIGKILLs every silo, then starts as many new ones and waits until they are ready.</summary>
    public async Task RestartAllSilosAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        for (var i = 0; i < _silos.Count; i++)
        {
            _silos[i] = NewSilo();
        }

        await Task.WhenAll(_silos.Select(s => s.WaitReadyAsync()));
    }

    /// <summary>SIGKILLs Redis and starts it again on the same port and data (AOF always: nothing acknowledged is lost).</summary>
    public async Task KillAndRestartRedisAsync()
    {
        await Redis.KillAsync();
        await Redis.RestartAsync();
    }

    /// <summary>Stalls every Redis client for <paramref name="duration"/> without disconnecting them.</summary>
    public Task PauseRedisClientsAsync(TimeSpan duration) =>
        Redis.RunCliAsync("client", "pause", ((int)duration.TotalMilliseconds).ToString(), "ALL");

    /// <summary>Opens a direct admin connection to Redis.</summary>
    public Task<ConnectionMultiplexer> ConnectRedisAsync() => Redis.ConnectAsync();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        await Proxy.DisposeAsync();
        await Redis.DisposeAsync();
    }

    private SiloProcess NewSilo() =>
        SiloProcess.Start($"127.0.0.1:{Proxy.Port},abortConnect=false", ClusterId, ServiceId, _siloSettings, _siloHost, _siloArguments);
}
