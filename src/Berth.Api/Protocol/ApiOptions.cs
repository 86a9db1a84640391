namespace Berth.Api.Protocol;

/// <summary>Settings of the API edge.</summary>
public sealed record ApiOptions
{
    /// <summary>The account every resource belongs to (AWS's documentation account by default, as LocalStack uses).</summary>
    public string AccountId { get; init; } = "000000000000";

    /// <summary>The region of requests that carry no SigV4 credential scope.</summary>
    public string DefaultRegion { get; init; } = "us-east-1";

    /// <summary>Off by default; a server that binds beyond loopback must use <see cref="AuthMode.SigV4"/>.</summary>
    public AuthMode Auth { get; init; } = AuthMode.Off;

    /// <summary>Request bodies above this are refused before they are parsed.</summary>
    public long MaxRequestBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// How long the event stream stays silent before it sends a heartbeat comment: proxies commonly close connections
    /// idle for 30–60 s.
    /// </summary>
    public TimeSpan EventHeartbeatInterval { get; init; } = TimeSpan.FromSeconds(15);
}
