using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using OrleansRedis.Bench.Harness;
using OrleansRedis.Bench.Queues;
using OrleansRedis.Testing;

namespace OrleansRedis.Bench.Realtime;

/// <summary>
/// The peer: ASP.NET Core SignalR 10.0.15 with the Redis backplane (Microsoft.AspNetCore.SignalR.StackExchangeRedis),
/// two processes of <c>bench/OrleansRedis.Bench.SignalRServer</c> on the benchmark's Redis, clients over WebSockets
/// with automatic reconnect; a publisher calls the hub's <c>Publish</c>, which broadcasts to every client of both.
/// </summary>
public sealed class SignalRSystem : RealtimeSystem
{
    private readonly List<(WorkerProcess Process, int Port)> _servers;
    private readonly List<HubConnection> _publishers = [];

    private SignalRSystem(List<(WorkerProcess Process, int Port)> servers) => _servers = servers;

    /// <inheritdoc />
    public override string Name => "SignalR 10.0.15 + Redis backplane (WebSockets)";

    private static string ServerDll => Path.Combine(RepositoryPaths.Root, "bench", "OrleansRedis.Bench.SignalRServer", "bin", "Release", "net10.0",
        "OrleansRedis.Bench.SignalRServer.dll");

    /// <summary>Starts two hub servers on free ports with the backplane on <paramref name="environment"/>'s Redis, and two publishers.</summary>
    public static async Task<SignalRSystem> StartAsync(BenchEnvironment environment)
    {
        var servers = new List<(WorkerProcess, int)>();
        for (var i = 0; i < 2; i++)
        {
            var port = FreePort.Next();
            var process = await WorkerProcess.StartAsync("dotnet", [ServerDll, "--urls", $"http://127.0.0.1:{port}", "--redis", environment.Redis.ConnectionString]);
            CpuMeter.Track("signalr", process.ProcessId);
            servers.Add((process, port));
        }

        var system = new SignalRSystem(servers);
        for (var i = 0; i < servers.Count; i++)
        {
            var publisher = system.Connect(i);
            await publisher.StartAsync();
            system._publishers.Add(publisher);
        }

        return system;
    }

    /// <inheritdoc />
    public override async Task<IAsyncDisposable> SubscribeAsync(int index, Action<string> received)
    {
        var connection = Connect(index);
        connection.On<string>("event", received);
        await connection.StartAsync();
        return connection;
    }

    /// <inheritdoc />
    public override Task PublishAsync(int publisher, string payload, CancellationToken cancellationToken) =>
        _publishers[publisher % _publishers.Count].InvokeAsync("Publish", payload, cancellationToken);

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        foreach (var publisher in _publishers)
        {
            await publisher.DisposeAsync();
        }

        foreach (var (process, _) in _servers)
        {
            CpuMeter.Untrack(process.ProcessId);
            await process.DisposeAsync();
        }
    }

    private HubConnection Connect(int index) =>
        new HubConnectionBuilder()
            .WithUrl($"http://127.0.0.1:{_servers[index % _servers.Count].Port}/hub", options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
            })
            .WithAutomaticReconnect()
            .Build();
}
