using System.Net;
using System.Net.Sockets;

namespace OrleansRedis.Testing;

/// <summary>Finds TCP ports nobody listens on, so parallel tests and leftover processes never collide.</summary>
public static class FreePort
{
    private static readonly HashSet<int> Handed = [];

    /// <summary>Returns a loopback port that was free a moment ago and was not handed out before in this process.</summary>
    public static int Next()
    {
        lock (Handed)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (Handed.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
