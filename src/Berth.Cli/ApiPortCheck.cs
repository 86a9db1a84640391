using System.Net;
using Berth.Server;

namespace Berth.Cli;

/// <summary>
/// Whether the API's port is free before the server starts. A port another process holds (most often a <c>berth up</c>
/// already running) then stops the start with one line naming the flag, as a bad flag does, instead of the host's
/// "Hosting failed to start" and the same stack trace twice. Kestrel's own bind still decides; this only words the
/// common case.
/// </summary>
internal static class ApiPortCheck
{
    public static void EnsureFree(ServerOptions options)
    {
        if (options.Port == 0)
        {
            return;
        }
        if (PortProbe.IsHeld(AddressOf(options.BindAddress), options.Port))
        {
            throw new ArgumentException(
                $"--port (BERTH_PORT): {options.BindAddress}:{options.Port} is in use by another process, perhaps a berth up or berth server "
                + "already running; stop it, or choose another port.");
        }
    }

    /// <summary>Where Kestrel listens for <c>--bind</c>: the address itself, loopback for localhost, every address for a host name.</summary>
    private static IPAddress AddressOf(string bind) =>
        IPAddress.TryParse(bind, out var address) ? address
        : bind == "localhost" ? IPAddress.Loopback
        : IPAddress.IPv6Any;
}
