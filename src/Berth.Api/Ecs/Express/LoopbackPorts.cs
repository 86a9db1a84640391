using System.Net;
using System.Net.Sockets;

namespace Berth.Api.Ecs.Express;

/// <summary>
/// A port for an Express service's listener. AWS gives each load balancer a DNS name; Berth serves every listener on
/// 127.0.0.1 (ports unique across load balancers), so the port is the address, and the kernel's pick of a free one keeps
/// it clear of whatever else runs on the machine.
/// </summary>
internal static class LoopbackPorts
{
    public static int Free()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
