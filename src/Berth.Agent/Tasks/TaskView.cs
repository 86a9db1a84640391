using Berth.Agent.Docker;
using Berth.Core.Agent;
using Berth.Core.Ecs;
using Berth.Core.Networking;
using Berth.Core.Tasks;

namespace Berth.Agent.Tasks;

/// <summary>An immutable picture of a task, published by its manager after every step (for the metadata endpoint).</summary>
internal sealed record TaskView(
    TaskAssignment Assignment,
    string KnownStatus,
    string DesiredStatus,
    DateTimeOffset? PullStartedAt,
    DateTimeOffset? PullStoppedAt,
    DateTimeOffset? ExecutionStoppedAt,
    IReadOnlyList<ContainerView> Containers)
{
    /// <summary>
    /// The addresses the task's containers send from: the ENI of an awsvpc task (known before its containers start), or
    /// the bridge addresses Docker gave its running containers; none in host or none mode.
    /// </summary>
    public IReadOnlyList<string> SourceAddresses =>
        Assignment.TaskDefinition.NetworkMode == AwsvpcRules.NetworkMode
            ? Assignment.Network is { } network ? [network.PrivateIPv4Address] : []
            : Containers.SelectMany(c => c.Observation?.NetworkMode == "host" ? [] : c.Observation?.IPv4Addresses ?? []).Distinct().Order(StringComparer.Ordinal).ToList();

    public static TaskView Of(TaskAssignment assignment, TaskState state) =>
        new(assignment, state.KnownStatus, assignment.Task.DesiredStatus ?? TaskStatuses.Running,
            state.PullStartedAt, state.PullStoppedAt, state.ExecutionStoppedAt,
            state.Containers.Select(c => new ContainerView(c.Name, c.MetadataToken, c.RuntimeId, c.DockerName, c.Status, c.ExitCode,
                c.Health, c.NetworkBindings, c.Observation, c.Plan.Definition, c.RestartCount)).ToList());
}

internal sealed record ContainerView(
    string Name,
    string MetadataToken,
    string? RuntimeId,
    string? DockerName,
    string KnownStatus,
    int? ExitCode,
    string Health,
    IReadOnlyList<NetworkBinding> NetworkBindings,
    ContainerObservation? Observation,
    ContainerDefinition Definition,
    int RestartCount);
