using Berth.Agent.Docker;
using Berth.Core.Agent;
using Berth.Core.Ecs;

namespace Berth.Agent.Tasks;

/// <summary>An immutable picture of a task, published by its manager after every step (for the metadata endpoint).</summary>
internal sealed record TaskView(
    TaskAssignment Assignment,
    string KnownStatus,
    string DesiredStatus,
    DateTimeOffset? PullStartedAt,
    DateTimeOffset? PullStoppedAt,
    DateTimeOffset? ExecutionStoppedAt,
    IReadOnlyList<ContainerView> Containers);

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
    ContainerDefinition Definition);
