using System.Globalization;
using Berth.Agent.Docker;
using Berth.Agent.State;
using Berth.Core.Agent;
using Berth.Core.Tasks;

namespace Berth.Agent.Tasks;

/// <summary>Why the task stops, once decided; no reason or code when the control plane decided (it keeps its own).</summary>
internal sealed record StopDecision(string? Reason, string? Code)
{
    public static readonly StopDecision ByControlPlane = new(null, null);

    /// <summary>ECS: once a container that ran exits, "Essential container in task exited".</summary>
    public static readonly StopDecision EssentialContainerExited = new("Essential container in task exited", "EssentialContainerExited");

    public static StopDecision FailedToStart(string reason) => new(reason, "TaskFailedToStart");
}

/// <summary>
/// The known state of one task on this instance (the ECS agent's KnownStatus and what goes with it): immutable, so a
/// decision is a function of it. Only <see cref="TaskTransitions"/> makes a new one; it is saved to the state file and
/// reported upstream whenever it changes.
/// </summary>
internal sealed record TaskState
{
    public string KnownStatus { get; init; } = TaskStatuses.Pending;

    /// <summary>Decided once and kept: a stop is never undone.</summary>
    public StopDecision? Stop { get; init; }

    public DateTimeOffset? PullStartedAt { get; init; }
    public DateTimeOffset? PullStoppedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? ExecutionStoppedAt { get; init; }

    /// <summary>The STOPPED task's containers, network namespace and task volumes are removed.</summary>
    public bool CleanedUp { get; init; }

    /// <summary>The awsvpc network namespace's pause container is known to run. Not saved: every step inspects it again.</summary>
    public bool NetworkRunning { get; init; }

    /// <summary>The awsvpc namespace went down after the containers stopped. Not saved: releasing it again is harmless.</summary>
    public bool NetworkReleased { get; init; }

    public required IReadOnlyList<ContainerState> Containers { get; init; }

    /// <summary>A new task, or the one the state file remembers; containers it does not name get a new metadata token.</summary>
    public static TaskState Start(TaskPlan plan, TaskRecord? saved, Func<string> newMetadataToken)
    {
        var containers = plan.Containers.Select(c => saved?.Containers.FirstOrDefault(r => r.Name == c.Name) is { } record
            ? ContainerState.Restore(c, record)
            : ContainerState.New(c, newMetadataToken())).ToList();
        return saved is null
            ? new TaskState { Containers = containers }
            : new TaskState
            {
                Containers = containers,
                KnownStatus = saved.KnownStatus,
                Stop = saved.StopDecided ? new StopDecision(saved.StoppedReason, saved.StopCode) : null,
                PullStartedAt = saved.PullStartedAt,
                PullStoppedAt = saved.PullStoppedAt,
                StartedAt = saved.StartedAt,
                ExecutionStoppedAt = saved.ExecutionStoppedAt,
                CleanedUp = saved.CleanedUp,
            };
    }

    public ContainerState? Find(string name) => Containers.FirstOrDefault(c => c.Name == name);

    /// <summary>The same task with <paramref name="container"/> in place of the container of that name.</summary>
    public TaskState With(ContainerState container) =>
        this with { Containers = Containers.Select(c => c.Name == container.Name ? container : c).ToList() };

    /// <summary>ECS's RUNNING: something runs, and nothing is still to start (a non-essential container may have run and exited).</summary>
    public bool AllStarted =>
        Containers.Any(c => c.Phase == ContainerPhase.Running)
        && Containers.All(c => c.Phase == ContainerPhase.Running || (c.Phase == ContainerPhase.Stopped && c.EverStarted && !c.Essential));

    /// <summary>Everything a step can change but the start of a dependency wait, as one comparable string: unchanged, no progress.</summary>
    public string ProgressKey => string.Join('|',
        KnownStatus, Stop?.Code, Stop?.Reason, CleanedUp, NetworkRunning, NetworkReleased, PullStartedAt, PullStoppedAt,
        string.Join(';', Containers.Select(c => string.Join(',', c.Phase, c.RuntimeId, c.EverStarted, c.ExitCode, c.Reason, c.Health,
            string.Join(' ', c.NetworkBindings.Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.BindIP}:{b.HostPort}->{b.ContainerPort}/{b.Protocol}")))))));

    public TaskRecord ToRecord(TaskAssignment assignment) => new()
    {
        // Secrets never go to disk.
        Assignment = assignment with { RoleCredentials = null, ExecutionRoleCredentials = null, Secrets = null },
        KnownStatus = KnownStatus,
        StoppedReason = Stop?.Reason,
        StopCode = Stop?.Code,
        StopDecided = Stop is not null,
        PullStartedAt = PullStartedAt,
        PullStoppedAt = PullStoppedAt,
        StartedAt = StartedAt,
        ExecutionStoppedAt = ExecutionStoppedAt,
        CleanedUp = CleanedUp,
        Containers = Containers.Select(c => c.ToRecord()).ToList(),
    };

    /// <summary>The report upstream; the stop reason goes with STOPPED, not before.</summary>
    public AgentTaskReport ToReport(string taskArn) => new()
    {
        ContainerInstanceArn = "",
        TaskArn = taskArn,
        LastStatus = KnownStatus,
        StoppedReason = KnownStatus == TaskStatuses.Stopped ? Stop?.Reason : null,
        StopCode = KnownStatus == TaskStatuses.Stopped ? Stop?.Code : null,
        PullStartedAt = PullStartedAt,
        PullStoppedAt = PullStoppedAt,
        StartedAt = StartedAt,
        ExecutionStoppedAt = ExecutionStoppedAt,
        Containers = Containers.Select(c => new ContainerReport
        {
            Name = c.Name,
            RuntimeId = c.RuntimeId,
            LastStatus = c.Status,
            ExitCode = c.ExitCode,
            Reason = c.Reason,
            NetworkBindings = c.NetworkBindings.Count > 0 ? c.NetworkBindings : null,
            HealthStatus = c.Health,
        }).ToList(),
    };
}
