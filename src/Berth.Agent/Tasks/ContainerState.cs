using Berth.Agent.Docker;
using Berth.Agent.State;
using Berth.Core.Ecs;
using Berth.Core.Tasks;

namespace Berth.Agent.Tasks;

/// <summary>
/// What the agent knows of one container of a task: immutable, and changed only through the methods below, the one
/// place a container's status moves. A phase never moves back: a container that stopped stays STOPPED whatever
/// Docker says later, unless the agent itself restarts it under its restartPolicy (<see cref="Restart"/>).
/// </summary>
internal sealed record ContainerState
{
    public const string VanishedReason = "DockerStateError: the container was removed outside the agent";

    private ContainerState(PlannedContainer plan, string metadataToken)
    {
        Plan = plan;
        MetadataToken = metadataToken;
    }

    public PlannedContainer Plan { get; }
    public string Name => Plan.Name;
    public bool Essential => Plan.Essential;

    /// <summary>The unguessable path segment of the container's metadata endpoint.</summary>
    public string MetadataToken { get; }

    public string? RuntimeId { get; private init; }
    public string? DockerName { get; private init; }
    public ContainerPhase Phase { get; private init; }

    /// <summary>The process ran at some point; an exit code then means something.</summary>
    public bool EverStarted { get; private init; }

    public int? ExitCode { get; private init; }
    public string? Reason { get; private init; }
    public string Health { get; private init; } = "UNKNOWN";
    public IReadOnlyList<NetworkBinding> NetworkBindings { get; private init; } = [];

    /// <summary>The last inspect of the container (for the metadata endpoint).</summary>
    public ContainerObservation? Observation { get; private init; }

    /// <summary>How often the agent restarted the container in place under its restartPolicy.</summary>
    public int RestartCount { get; private init; }

    /// <summary>When the container first waited on an unresolved dependency (for startTimeout).</summary>
    public DateTimeOffset? WaitingSince { get; private init; }

    /// <summary>ECS's container lastStatus: PENDING until it runs.</summary>
    public string Status => Phase switch
    {
        ContainerPhase.Running => TaskStatuses.Running,
        ContainerPhase.Stopped => TaskStatuses.Stopped,
        _ => TaskStatuses.Pending,
    };

    /// <summary>Docker has it and it has not stopped yet: each step inspects it again.</summary>
    public bool IsLive => RuntimeId is not null && Phase < ContainerPhase.Stopped;

    public static ContainerState New(PlannedContainer plan, string metadataToken) => new(plan, metadataToken);

    /// <summary>What the state file remembers (after an agent restart); a phase it cannot read is left at the start.</summary>
    public static ContainerState Restore(PlannedContainer plan, ContainerRecord record)
    {
        var restored = new ContainerState(plan, record.MetadataToken) { RuntimeId = record.RuntimeId, DockerName = record.DockerName };
        return Enum.TryParse<ContainerPhase>(record.Phase, out var phase)
            ? (restored with { EverStarted = record.EverStarted, ExitCode = record.ExitCode, Reason = record.Reason, RestartCount = record.RestartCount }).Advance(phase)
            : restored;
    }

    public ContainerState Advance(ContainerPhase next) => next <= Phase ? this : this with { Phase = next };

    /// <summary>The container could not be pulled, created or started (or vanished): it is STOPPED with a reason.</summary>
    public ContainerState Fail(string reason) => (this with { Reason = Reason ?? reason }).Advance(ContainerPhase.Stopped);

    /// <summary>Docker made the container.</summary>
    public ContainerState Created(string runtimeId, string dockerName) =>
        (this with { RuntimeId = runtimeId, DockerName = dockerName }).Advance(ContainerPhase.Created);

    /// <summary>Found by its labels after a restart; its phase is whatever the next inspect says.</summary>
    public ContainerState Adopt(string runtimeId, string? dockerName) =>
        this with { RuntimeId = runtimeId, DockerName = dockerName ?? DockerName };

    /// <summary>Takes what an inspect says (null: the container is gone), except that a phase never moves back.</summary>
    public ContainerState Observe(ContainerObservation? observation, IReadOnlyList<NetworkBinding>? hostModeBindings)
    {
        if (observation is null)
        {
            return Fail(VanishedReason);
        }
        var next = this with { Observation = observation, EverStarted = EverStarted || observation.EverStarted };
        if (Phase == ContainerPhase.Stopped && observation.Phase != ContainerPhase.Stopped)
        {
            return next;
        }
        next = next with { Health = observation.HasHealthCheck ? observation.Health : "UNKNOWN" };
        if (observation.Phase == ContainerPhase.Running || NetworkBindings.Count == 0)
        {
            next = next with { NetworkBindings = hostModeBindings ?? observation.NetworkBindings };
        }
        if (observation.Phase == ContainerPhase.Stopped)
        {
            next = next with { ExitCode = ExitCode ?? observation.ExitCode, Reason = Reason ?? observation.Reason };
        }
        return next.Advance(observation.Phase);
    }

    /// <summary>
    /// The one way back: an exited container that its restartPolicy restarts is started again in place (same Docker
    /// container, same task network), so it is CREATED again with its exit forgotten.
    /// </summary>
    public ContainerState Restart() =>
        this with { Phase = ContainerPhase.Created, ExitCode = null, Reason = null, RestartCount = RestartCount + 1 };

    /// <summary>Starts the startTimeout clock the first time the container waits on a dependency.</summary>
    public ContainerState Waiting(DateTimeOffset now) => WaitingSince is null ? this with { WaitingSince = now } : this;

    /// <summary>Stopped on the agent's decision: Docker keeps a created container that never ran "created"; ECS calls it STOPPED.</summary>
    public ContainerState MarkStopped() => Advance(ContainerPhase.Stopped);

    public ContainerRecord ToRecord() => new()
    {
        Name = Name,
        RuntimeId = RuntimeId,
        DockerName = DockerName,
        MetadataToken = MetadataToken,
        Phase = Phase.ToString(),
        EverStarted = EverStarted,
        ExitCode = ExitCode,
        Reason = Reason,
        RestartCount = RestartCount,
    };
}
