using Berth.Api.Protocol;

namespace Berth.Server;

/// <summary>How a control plane is started; the CLI fills it from flags, then BERTH_* variables, then defaults.</summary>
public sealed record ServerOptions
{
    /// <summary>Loopback by default: the API has no authentication yet, so it must not face a network unasked.</summary>
    public string BindAddress { get; init; } = "127.0.0.1";

    /// <summary>4566 is the port AWS emulators use, so existing --endpoint-url habits work.</summary>
    public int Port { get; init; } = 4566;

    public string DataDirectory { get; init; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".berth");

    public ApiOptions Api { get; init; } = new();

    public string DatabasePath => Path.Combine(DataDirectory, "berth.db");
}
