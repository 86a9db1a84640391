using Berth.Agent.Docker;
using Berth.Core.Ecs;
using Berth.Core.Tasks;

namespace Berth.Agent.Tasks;

/// <summary>
/// One container of a task as its <see cref="TaskManager"/> knows it. Only the manager's loop touches it;
/// <see cref="Advance"/> is the one place its phase changes, and a phase never moves back.
/// </summary>
internal sealed class ManagedContainer(PlannedContainer plan, string metadataToken)
{
    public PlannedContainer Plan { get; } = plan;
    public string Name => Plan.Name;
    public bool Essential => Plan.Essential;
    public string MetadataToken { get; set; } = metadataToken;
    public string? RuntimeId { get; set; }
    public string? DockerName { get; set; }
    public ContainerPhase Phase { get; private set; }

    /// <summary>The process ran at some point; an exit code then means something.</summary>
    public bool EverStarted { get; private set; }

    public int? ExitCode { get; private set; }
    public string? Reason { get; private set; }
    public string Health { get; private set; } = "UNKNOWN";
    public IReadOnlyList<NetworkBinding> NetworkBindings { get; private set; } = [];
    public ContainerObservation? Observation { get; private set; }

    /// <summary>When the container first waited on an unresolved dependency (for startTimeout).</summary>
    public DateTimeOffset? WaitingSince { get; set; }

    /// <summary>ECS's container lastStatus: PENDING until it runs.</summary>
    public string Status => Phase switch
    {
        ContainerPhase.Running => TaskStatuses.Running,
        ContainerPhase.Stopped => TaskStatuses.Stopped,
        _ => TaskStatuses.Pending,
    };

    public bool Advance(ContainerPhase next)
    {
        if (next <= Phase)
        {
            return false;
        }
        Phase = next;
        return true;
    }

    /// <summary>The container could not be pulled, created or started (or vanished): it is STOPPED with a reason.</summary>
    public void Fail(string reason)
    {
        Reason ??= reason;
        Advance(ContainerPhase.Stopped);
    }

    /// <summary>Takes what Docker says, except that a phase never moves back.</summary>
    public void Observe(ContainerObservation observation, IReadOnlyList<NetworkBinding>? hostModeBindings)
    {
        Observation = observation;
        EverStarted |= observation.EverStarted;
        if (Phase == ContainerPhase.Stopped && observation.Phase != ContainerPhase.Stopped)
        {
            return;
        }
        Health = observation.HasHealthCheck ? observation.Health : "UNKNOWN";
        if (observation.Phase == ContainerPhase.Running || NetworkBindings.Count == 0)
        {
            NetworkBindings = hostModeBindings ?? observation.NetworkBindings;
        }
        if (observation.Phase == ContainerPhase.Stopped)
        {
            ExitCode ??= observation.ExitCode;
            Reason ??= observation.Reason;
        }
        Advance(observation.Phase);
    }

    /// <summary>Restores what the state file remembers (after an agent restart).</summary>
    public void Restore(ContainerPhase phase, bool everStarted, int? exitCode, string? reason)
    {
        EverStarted = everStarted;
        ExitCode = exitCode;
        Reason = reason;
        Advance(phase);
    }

    /// <summary>A created container whose process never ran, stopped on the agent's decision.</summary>
    public void MarkStopped() => Advance(ContainerPhase.Stopped);
}
