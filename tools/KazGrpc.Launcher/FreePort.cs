using System.Net;
using System.Net.Sockets;

namespace KazGrpc.Launcher;

/// <summary>Free loopback ports for services started on the fly.</summary>
public static class FreePort
{
    /// <summary>A loopback port that was free a moment ago; the service binds it next (a race with
    /// another program is possible but unlikely).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
