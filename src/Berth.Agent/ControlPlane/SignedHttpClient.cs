namespace Berth.Agent.ControlPlane;

/// <summary>
/// An HTTP client for Berth's own signed routes used outside the agent (<c>berth agent token …</c>, and <c>berth cost</c>,
/// <c>cleanup</c>, <c>events</c>, <c>spot interrupt</c>): every request signed for service <c>ecs</c> with the given key
/// as the agent signs its own, the server verified as the agent verifies it.
/// </summary>
public static class SignedHttpClient
{
    /// <param name="credentials">The key to sign with; null: unsigned, which a server with <c>--auth off</c> accepts.</param>
    public static HttpClient Create(Uri server, AgentCredentials? credentials, string region, string? caCertificatePath)
    {
        var transport = new SocketsHttpHandler();
        ServerTrust.Apply(transport, caCertificatePath);
        var signing = new SigV4SigningHandler(() => credentials, region, TimeProvider.System) { InnerHandler = transport };
        return new HttpClient(new EcsSigningScope { InnerHandler = signing }) { BaseAddress = server };
    }
}
