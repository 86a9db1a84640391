using Berth.Core.Ecs;

namespace Berth.Core.Placement;

// The contract of the pure placement function:
//   PlacementEngine.Place(ClusterSnapshot, PlacementRequest, Random) → PlacementPlan
// It reads a snapshot and returns a plan; the caller commits the plan with optimistic concurrency on the
// instances it touched and re-plans on conflict (Nomad's scheduler/plan-applier split).

/// <summary>
/// What a task (or an instance) has of each resource ECS accounts: CPU units, memory MiB, and the host
/// ports it occupies per protocol.
/// </summary>
public sealed record ResourceSet(int Cpu, int Memory, IReadOnlySet<int> TcpPorts, IReadOnlySet<int> UdpPorts)
{
    public static readonly ResourceSet Empty = new(0, 0, new HashSet<int>(), new HashSet<int>());
}

/// <summary>A task already on an instance, as far as placement needs it (distinctInstance, task:group queries, spread).</summary>
public sealed record PlacedTask(string TaskArn, string? Group, string TaskDefinitionFamily);

/// <summary>
/// One container instance as placement sees it. <see cref="Attributes"/> holds ECS attributes
/// (<c>ecs.os-type</c>, <c>ecs.availability-zone</c>, custom ones; a null value means "present without value"),
/// and the built-in properties the cluster query language can also name are members.
/// </summary>
public sealed record InstanceCandidate(
    string ContainerInstanceArn,
    string Ec2InstanceId,
    string Status,
    bool AgentConnected,
    ResourceSet Remaining,
    IReadOnlyDictionary<string, string?> Attributes,
    IReadOnlyList<PlacedTask> Tasks,
    DateTimeOffset RegisteredAt)
{
    /// <summary>The agent's version (<c>agentVersion</c> in cluster queries); null when unknown.</summary>
    public string? AgentVersion { get; init; }
}

public sealed record ClusterSnapshot(IReadOnlyList<InstanceCandidate> Instances);

/// <summary>
/// What to place: <see cref="Count"/> copies of a task needing <see cref="Needs"/> (fixed host ports only;
/// dynamic ports are chosen by the agent), with ECS strategies applied in order and constraints combined
/// with the task definition's memberOf constraints. <see cref="Group"/> is the task's group
/// (<c>service:web</c>, <c>family:web</c>) for spread and task:group expressions.
/// </summary>
public sealed record PlacementRequest(
    ResourceSet Needs,
    int Count,
    string Group,
    string TaskDefinitionFamily,
    IReadOnlyList<PlacementStrategy> Strategies,
    IReadOnlyList<PlacementConstraint> Constraints,
    IReadOnlyCollection<string> RequiredAttributes);

/// <summary>One copy placed on one instance.</summary>
public sealed record TaskPlacement(string ContainerInstanceArn);

/// <summary>
/// The plan: one entry per copy that found an instance, and ECS failures for the rest. Failure reasons are
/// ECS's (<see cref="PlacementFailureReasons"/>): <c>RESOURCE:CPU</c>, <c>RESOURCE:MEMORY</c>,
/// <c>RESOURCE:PORTS</c>, <c>RESOURCE:PORTS_UDP</c>, <c>AGENT</c> (no connected agent), <c>ATTRIBUTE</c>
/// (required attribute missing), <c>MemberOf placement constraint unsatisfied.</c>,
/// <c>DistinctInstance placement constraint unsatisfied.</c>, with <c>arn</c> the instance that came closest,
/// as ECS reports them; or, with no ARN, <c>No Container Instances were found in your cluster.</c>
/// </summary>
public sealed record PlacementPlan(IReadOnlyList<TaskPlacement> Placements, IReadOnlyList<Failure> Failures);
