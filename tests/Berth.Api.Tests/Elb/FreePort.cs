using System.Net;
using System.Net.Sockets;

namespace Berth.Api.Tests.Elb;

/// <summary>A loopback port nobody listens on right now, for a listener the test creates.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
