namespace Berth.Agent.ControlPlane;

/// <summary>
/// Marks every request for signing as service <c>ecs</c>: for clients whose requests are not built one by one with their
/// scope (Berth's own routes from the CLI, and WebSocket upgrades, which ClientWebSocket builds itself).
/// </summary>
internal sealed class EcsSigningScope : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Options.Set(SigningScope.Key, SigningScope.Ecs);
        return base.SendAsync(request, cancellationToken);
    }
}
