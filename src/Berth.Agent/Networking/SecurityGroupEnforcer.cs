using System.Collections.Concurrent;
using Berth.Core.Networking;
using Microsoft.Extensions.Logging;

namespace Berth.Agent.Networking;

/// <summary>
/// Keeps the instance's iptables rules equal to the security groups of the awsvpc tasks it runs. A task's
/// address is added before its containers start (so they never run unprotected) and removed once they have
/// stopped; every change rewrites the agent's chain from the whole current set, so rules of tasks that ended
/// while the agent was down go at the first change after a restart.
/// </summary>
/// <param name="run">Runs each iptables command (<see cref="IptablesProcess.RunAsync"/>).</param>
internal sealed partial class SecurityGroupEnforcer(string agentNamespace, IptablesCommand run, ILogger<SecurityGroupEnforcer> logger)
{
    private readonly ConcurrentDictionary<string, FirewallEndpoint> _endpoints = new(StringComparer.Ordinal);

    // Docker evaluates DOCKER-USER before its own FORWARD rules and never touches it.
    private readonly IptablesChain _chain = new("filter", "DOCKER-USER", IptablesScript.ChainOf(agentNamespace), run);

    public Task SetAsync(string taskArn, FirewallEndpoint endpoint, CancellationToken cancellationToken)
    {
        _endpoints[taskArn] = endpoint;
        return ApplyAsync(cancellationToken);
    }

    public Task RemoveAsync(string taskArn, CancellationToken cancellationToken) =>
        _endpoints.TryRemove(taskArn, out _) ? ApplyAsync(cancellationToken) : Task.CompletedTask;

    private async Task ApplyAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        await _chain.ApplyAsync(() =>
        {
            var endpoints = _endpoints.Values.OrderBy(e => e.Address, StringComparer.Ordinal).ToList();
            count = endpoints.Count;
            return IptablesScript.Render(_chain.Name, endpoints, SecurityGroupFirewall.Allowances(endpoints));
        }, cancellationToken).ConfigureAwait(false);
        LogApplied(logger, _chain.Name, count);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Security group chain {Chain} now protects {Count} task addresses")]
    private static partial void LogApplied(ILogger logger, string chain, int count);
}
