using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Berth.Agent.Networking;

/// <summary>
/// Keeps the agent's nat chain equal to the addresses of its tasks that have role credentials, so that their
/// requests to 169.254.170.2:80 reach this agent's endpoint (<see cref="IptablesScript.RenderCredentialsRedirect"/>).
/// A task is added once its addresses are known (an awsvpc task's before its containers start, a bridge container's
/// when it starts) and removed when it is finished with. A failure is logged and does not stop the task: without the
/// route its containers only lack credentials, and the next change tries again.
/// </summary>
internal sealed partial class CredentialsRouting(string agentNamespace, string listenerAddress, int listenerPort, ILogger<CredentialsRouting> logger)
{
    private readonly ConcurrentDictionary<string, IReadOnlyList<string>> _addresses = new(StringComparer.Ordinal);

    // PREROUTING: the requests come from containers, through the host's bridges.
    private readonly IptablesChain _chain = new("nat", "PREROUTING", IptablesScript.CredentialsChainOf(agentNamespace), IptablesProcess.RunAsync);

    public Task SetAsync(string taskArn, IReadOnlyList<string> addresses, CancellationToken cancellationToken)
    {
        if (_addresses.TryGetValue(taskArn, out var current) && current.SequenceEqual(addresses))
        {
            return Task.CompletedTask;
        }
        _addresses[taskArn] = addresses;
        return ApplyAsync(cancellationToken);
    }

    public Task RemoveAsync(string taskArn, CancellationToken cancellationToken) =>
        _addresses.TryRemove(taskArn, out _) ? ApplyAsync(cancellationToken) : Task.CompletedTask;

    private async Task ApplyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _chain.ApplyAsync(() => IptablesScript.RenderCredentialsRedirect(_chain.Name,
                _addresses.Values.SelectMany(a => a).Distinct().Order(StringComparer.Ordinal).ToList(), listenerAddress, listenerPort), cancellationToken).ConfigureAwait(false);
        }
        catch (IptablesException e)
        {
            LogRouteFailed(logger, IptablesScript.CredentialsAddress, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot route {Address}:80 to the credentials endpoint; tasks with a role get no credentials: {Error}")]
    private static partial void LogRouteFailed(ILogger logger, string address, string error);
}
