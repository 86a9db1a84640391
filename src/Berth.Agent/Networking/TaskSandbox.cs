using Berth.Agent.Docker;
using Berth.Agent.Tasks;
using Berth.Core.Agent;
using Berth.Core.Networking;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Berth.Agent.Networking;

/// <summary>
/// The network namespace of one awsvpc task, as the ECS agent builds it: a "pause" container that owns the
/// namespace, attached to its subnet's Docker network at the address and MAC the server allocated, which every
/// container of the task then joins (<c>NetworkMode: container:&lt;pause&gt;</c>), so they share one address and
/// reach each other on localhost. The pause container is taken ready-started from <see cref="PausePool"/> when the
/// subnet's pool has one, else created for the task. Found again by label after an agent restart.
/// </summary>
internal sealed class TaskSandbox(AgentRuntime runtime, string taskArn, TaskNetworkAssignment network)
{
    /// <summary>The name the ECS agent gives its pause container; it is no container of the task definition.</summary>
    public const string ContainerName = "~internal~ecs~pause";

    public const string SubnetLabel = "org.berth.subnet";

    /// <summary>On each container of an awsvpc task: the id of the pause container whose namespace it joins.</summary>
    public const string JoinsLabel = "org.berth.network-sandbox";

    public string? ContainerId { get; private set; }

    /// <summary>The Docker network of subnet S is <c>berth-S</c>, shared by every agent and Berth on the engine.</summary>
    public const string NetworkPrefix = "berth-";

    public string NetworkName => NetworkPrefix + network.SubnetId;

    /// <summary>
    /// Finds the pause container of an adopted task: its own (labelled with the task), or the pooled one its containers
    /// join (<see cref="PausePool"/>); a running one gets its rules back.
    /// </summary>
    public async Task AdoptAsync(CancellationToken cancellationToken)
    {
        var found = await runtime.Docker.ListContainersAsync(new Dictionary<string, string>
        {
            [DockerLabels.TaskArn] = taskArn,
            [DockerLabels.AgentNamespace] = runtime.AgentNamespace,
        }, cancellationToken).ConfigureAwait(false);
        var own = found.Where(c => c.Labels?.TryGetValue(DockerLabels.ContainerName, out var name) == true && name == ContainerName)
            .OrderByDescending(c => c.Created).FirstOrDefault();
        ContainerId = own?.ID ?? found.Select(JoinedContainerOf).FirstOrDefault(id => id is not null);
        if (ContainerId is not null && (await runtime.Docker.InspectAsync(ContainerId, cancellationToken).ConfigureAwait(false))?.Phase == ContainerPhase.Running)
        {
            await runtime.SecurityGroups.SetAsync(taskArn, Endpoint, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The pause container whose namespace this container of an awsvpc task joins (<see cref="JoinsLabel"/>).</summary>
    public static string? JoinedContainerOf(ContainerListResponse container) =>
        container.Labels is { } labels && labels.TryGetValue(JoinsLabel, out var id) ? id : null;

    /// <summary>
    /// Gets the namespace running (it was found not running), with the task's rules in place before any container
    /// joins it. Returns null, or the reason the task cannot start (ECS's ResourceInitializationError).
    /// </summary>
    public async Task<string?> EnsureRunningAsync(PauseContainerSpec spec, CancellationToken cancellationToken)
    {
        try
        {
            var pullError = await runtime.SandboxPrerequisites.EnsureImageAsync(spec.Image, cancellationToken).ConfigureAwait(false);
            if (pullError is not null)
            {
                return $"ResourceInitializationError: failed to prepare the task network: {pullError}";
            }
            var cidr = Ipv4Cidr.TryParse(network.CidrBlock, out var c) ? c : throw new FormatException($"Invalid subnet CIDR '{network.CidrBlock}'.");
            await runtime.SandboxPrerequisites.EnsureNetworkAsync(NetworkName, network.CidrBlock, Ipv4Cidr.FormatAddress(SubnetAddresses.Gateway(cidr)),
                new Dictionary<string, string> { [SubnetLabel] = network.SubnetId }, cancellationToken).ConfigureAwait(false);
            // The rules go in while Docker creates and starts the pause container, which runs nothing that sends or
            // answers traffic; both are awaited here, so no container of the task starts before its rules are in place.
            await Task.WhenAll(
                runtime.SecurityGroups.SetAsync(taskArn, Endpoint, cancellationToken),
                StartPauseContainerAsync(spec, cancellationToken)).ConfigureAwait(false);
            return null;
        }
        catch (DockerApiException e)
        {
            runtime.SandboxPrerequisites.Forget();
            return $"ResourceInitializationError: failed to prepare the task network: {DockerDriver.MessageOf(e)}";
        }
        catch (IptablesException e)
        {
            // The task must not start unprotected.
            return $"ResourceInitializationError: failed to apply the task's security groups: {e.Message}";
        }
    }

    /// <summary>A pooled pause container given the task's address when one is ready; else the task's own, created and started.</summary>
    private async Task StartPauseContainerAsync(PauseContainerSpec spec, CancellationToken cancellationToken)
    {
        if (ContainerId is null
            && await runtime.PausePool.TakeAsync(NetworkName, network.SubnetId, spec.Image, network.PrivateIPv4Address, network.MacAddress, cancellationToken)
                .ConfigureAwait(false) is { } pooled)
        {
            ContainerId = pooled;
            return;
        }
        ContainerId ??= await runtime.Docker.CreateContainerAsync(spec.Build(NetworkName, network), cancellationToken).ConfigureAwait(false);
        await runtime.Docker.StartContainerAsync(ContainerId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>After the task's containers stopped: the address leaves the rules and the namespace goes down.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (ContainerId is not null)
        {
            await runtime.Docker.StopContainerAsync(ContainerId, TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
        await runtime.SecurityGroups.RemoveAsync(taskArn, cancellationToken).ConfigureAwait(false);
    }

    public async Task RemoveAsync(CancellationToken cancellationToken)
    {
        if (ContainerId is not null)
        {
            await runtime.Docker.RemoveContainerAsync(ContainerId, cancellationToken).ConfigureAwait(false);
        }
    }

    private FirewallEndpoint Endpoint => new(network.PrivateIPv4Address, network.SecurityGroups);
}
