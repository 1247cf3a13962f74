using System.Net;
using System.Net.Sockets;

namespace OrleansRedis.Testing;

/// <summary>
/// Finds TCP ports nobody listens on, so parallel tests and leftover processes never collide. Ports come from below
/// Linux's ephemeral range (32768-60999): a port picked there could be taken by any outgoing connection between the
/// check and the server's bind, which made silos fail with "Address already in use". The range also stays clear of
/// Orleans' TestCluster allocator (22300-30000 and up) and of run.sh's fixed ports (8080+, 11111+, 30000+).
/// </summary>
public static class FreePort
{
    private const int First = 12_000;
    private const int Last = 22_000;
    private const int Slices = 5;
    private static readonly HashSet<int> Handed = [];

    /// <summary>Returns a port that was free a moment ago (on every address) and was not handed out before in this process.</summary>
    public static int Next()
    {
        lock (Handed)
        {
            for (var attempt = 0; attempt < 10_000; attempt++)
            {
                // Each test process draws from its own slice of the range first, so two processes rarely race for a port.
                var slice = (Last - First) / Slices;
                var start = attempt < 1_000 ? First + (Environment.ProcessId % Slices * slice) : First;
                var port = Random.Shared.Next(start, attempt < 1_000 ? start + slice : Last);
                if (!Handed.Contains(port) && IsFree(port))
                {
                    Handed.Add(port);
                    return port;
                }
            }

            throw new InvalidOperationException($"No free TCP port between {First} and {Last}.");
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Any, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
