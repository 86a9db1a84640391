namespace Berth.Agent.ControlPlane;

/// <summary>
/// Sends each request to the current one of the servers that share a store (<see cref="AgentOptions.ServerUrls"/>),
/// and moves on to the next, round the list and back to the first, when one does not answer (no connection, or one
/// that broke before a response): the agent's own retries then reach the next server. A server that answers, even with
/// an error, keeps the agent. Any server serves the agent alike, since its identity and tasks are in the shared state.
/// Outermost handler, so a request is signed for the server it goes to.
/// </summary>
internal sealed class ServerFailover(IReadOnlyList<Uri> servers) : DelegatingHandler
{
    private int _current;

    /// <summary>The server requests go to now.</summary>
    public Uri Current => servers[Volatile.Read(ref _current)];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var index = Volatile.Read(ref _current);
        var server = servers[index];
        request.RequestUri = new UriBuilder(request.RequestUri!) { Scheme = server.Scheme, Host = server.Host, Port = server.Port }.Uri;
        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            // Only from the index this request used: several requests failing on one dead server move on once.
            Interlocked.CompareExchange(ref _current, (index + 1) % servers.Count, index);
            throw;
        }
    }
}
