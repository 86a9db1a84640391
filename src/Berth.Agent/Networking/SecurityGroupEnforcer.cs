using System.Collections.Concurrent;
using System.Diagnostics;
using Berth.Core.Networking;
using Microsoft.Extensions.Logging;

namespace Berth.Agent.Networking;

/// <summary>
/// Keeps the instance's iptables rules equal to the security groups of the awsvpc tasks it runs. A task's
/// address is added before its containers start (so they never run unprotected) and removed once they have
/// stopped; every change rewrites the agent's chain from the whole current set, so rules of tasks that ended
/// while the agent was down go at the first change after a restart.
/// </summary>
internal sealed partial class SecurityGroupEnforcer(string agentNamespace, ILogger<SecurityGroupEnforcer> logger)
{
    private const string DockerUserChain = "DOCKER-USER";

    private readonly ConcurrentDictionary<string, FirewallEndpoint> _endpoints = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _apply = new(1, 1);

    public string Chain { get; } = IptablesScript.ChainOf(agentNamespace);

    public Task SetAsync(string taskArn, FirewallEndpoint endpoint, CancellationToken cancellationToken)
    {
        _endpoints[taskArn] = endpoint;
        return ApplyAsync(cancellationToken);
    }

    public Task RemoveAsync(string taskArn, CancellationToken cancellationToken) =>
        _endpoints.TryRemove(taskArn, out _) ? ApplyAsync(cancellationToken) : Task.CompletedTask;

    private async Task ApplyAsync(CancellationToken cancellationToken)
    {
        await _apply.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var endpoints = _endpoints.Values.OrderBy(e => e.Address, StringComparer.Ordinal).ToList();
            var script = IptablesScript.Render(Chain, endpoints, SecurityGroupFirewall.Allowances(endpoints));
            await RunAsync("iptables-restore", ["--noflush"], script, cancellationToken).ConfigureAwait(false);
            // Insert the jump once; -C answers 1 while it is missing.
            if (await RunAsync("iptables", ["-C", DockerUserChain, "-j", Chain], null, cancellationToken, allowFailure: true).ConfigureAwait(false) != 0)
            {
                await RunAsync("iptables", ["-I", DockerUserChain, "-j", Chain], null, cancellationToken).ConfigureAwait(false);
            }
            LogApplied(logger, Chain, endpoints.Count);
        }
        finally
        {
            _apply.Release();
        }
    }

    private static async Task<int> RunAsync(string file, IReadOnlyList<string> arguments, string? input, CancellationToken cancellationToken, bool allowFailure = false)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new SecurityGroupException($"{file} did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new SecurityGroupException($"{file} is not available to enforce security groups: {e.Message}");
        }
        using (process)
        {
            if (input is not null)
            {
                await process.StandardInput.WriteAsync(input.AsMemory(), cancellationToken).ConfigureAwait(false);
            }
            process.StandardInput.Close();
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            _ = await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (process.ExitCode != 0 && !allowFailure)
            {
                throw new SecurityGroupException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {(await error.ConfigureAwait(false)).Trim()}");
            }
            return process.ExitCode;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Security group chain {Chain} now protects {Count} task addresses")]
    private static partial void LogApplied(ILogger logger, string chain, int count);
}

/// <summary>The instance could not put security group rules in place; the task must not start unprotected.</summary>
internal sealed class SecurityGroupException(string message) : Exception(message);
