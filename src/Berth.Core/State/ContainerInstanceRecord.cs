using Berth.Core.Agent;
using Berth.Core.Ecs;

namespace Berth.Core.State;

/// <summary>
/// A container instance as stored. <see cref="AssignmentsVersion"/> grows whenever the set of tasks the
/// instance should run (or their desired status) changes: the agent's long-poll waits for it to move, and
/// every placement writes it, so two placements racing for one instance conflict instead of overcommitting.
/// The agent's heartbeat is not here but in an <see cref="AgentHeartbeatRecord"/>, so it never moves this record.
/// </summary>
public sealed record ContainerInstanceRecord(
    ContainerInstance Instance,
    AgentIdentity Identity,
    long AssignmentsVersion);

/// <summary>
/// A task's claim on an instance: what it reserved, kept beside the instance (scope = instance ARN) so a
/// placement snapshot reads one range per instance. Deleted in the commit that records the task STOPPED,
/// which is what frees the resources; otherwise it never changes (the task's status is the task record's alone, so an
/// agent's report writes the task and not its claim).
/// <c>Network</c> is what an awsvpc task's agent needs beyond the task's attachment: its security groups.
/// </summary>
public sealed record TaskAssignmentRecord(
    string TaskArn,
    string ClusterArn,
    string? Group,
    string TaskDefinitionFamily,
    int Cpu,
    int Memory,
    IReadOnlyList<int> TcpPorts,
    IReadOnlyList<int> UdpPorts,
    TaskNetworkClaim? Network = null);

/// <summary>The subnet and security groups an awsvpc task was launched with (its address is in its attachment).</summary>
public sealed record TaskNetworkClaim(string SubnetId, IReadOnlyList<string> SecurityGroupIds);
