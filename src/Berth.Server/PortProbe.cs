using System.Net;
using System.Net.Sockets;

namespace Berth.Server;

/// <summary>
/// Whether another process listens on a local port, found by binding a socket the way Kestrel binds: connections of a
/// server just stopped, still in TIME_WAIT, do not hold the port; a listener does. It only tells the common case apart
/// before the real bind, which still decides (a port may be taken in between).
/// </summary>
public static class PortProbe
{
    public static bool IsHeld(IPAddress address, int port)
    {
        using var probe = new Socket(SocketType.Stream, ProtocolType.Tcp);
        probe.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        try
        {
            probe.Bind(new IPEndPoint(address, port));
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return true;
        }
    }
}
