using System.Net;
using System.Net.Sockets;

namespace LicenceTrust.Testing;

/// <summary>Loopback ports for nodes that must know each other's address before they start.</summary>
public static class FreePorts
{
    /// <summary>A port that was free a moment ago (the OS hands out ephemeral ports in turn, so a clash is unlikely).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
