using System.Net;
using System.Net.Sockets;

namespace OrleansRedis.Testing;

/// <summary>
/// A TCP proxy between silos and Redis that injects network faults, since <c>tc netem</c> is not available here:
/// added latency, a blackhole (connections stay open, bytes vanish), and resets (every connection closed at once).
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<TcpClient> _connections = [];
    private readonly Task _acceptLoop;

    private FaultProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptAsync();
    }

    /// <summary>Gets the port clients connect to.</summary>
    public int Port { get; }

    /// <summary>Gets or sets the latency added to every chunk forwarded in either direction.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Gets or sets whether bytes are dropped instead of forwarded (connections stay open).</summary>
    public bool Blackhole { get; set; }

    /// <summary>Starts a proxy to <c>127.0.0.1:<paramref name="targetPort"/></c>.</summary>
    public static FaultProxy Start(int targetPort) => new(targetPort);

    /// <summary>Closes every open connection at once, as a network reset would.</summary>
    public void ResetAll()
    {
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                // Linger 0 sends RST instead of FIN: the peer sees a reset, as on a real network failure.
                if (connection.Client is { Connected: true } socket)
                {
                    socket.LingerState = new LingerOption(true, 0);
                }

                connection.Dispose();
            }

            _connections.Clear();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        ResetAll();
        try
        {
            await _acceptLoop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping.
        }

        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(IPAddress.Loopback, _targetPort, _stopping.Token);
            lock (_connections)
            {
                _connections.Add(client);
                _connections.Add(upstream);
            }

            await Task.WhenAny(PumpAsync(client.GetStream(), upstream.GetStream()), PumpAsync(upstream.GetStream(), client.GetStream()));
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The other side went away or the proxy reset it: close both ends below.
        }
        finally
        {
            lock (_connections)
            {
                _connections.Remove(client);
                _connections.Remove(upstream);
            }

            client.Dispose();
            upstream.Dispose();
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, _stopping.Token);
                if (read == 0)
                {
                    return;
                }

                if (Delay > TimeSpan.Zero)
                {
                    await Task.Delay(Delay, _stopping.Token);
                }

                if (!Blackhole)
                {
                    await to.WriteAsync(buffer.AsMemory(0, read), _stopping.Token);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // Connection closed or reset.
        }
    }
}
