using Berth.Agent.Docker;
using Berth.Core.Agent;
using Berth.Core.TaskDefinitions;
using Berth.Core.Tasks;

namespace Berth.Agent.Tasks;

/// <summary>What the control plane wants of a task: its desired status, and whether it still lists the task at all.</summary>
internal sealed record TaskDesire(string DesiredStatus, bool Unlisted)
{
    public static TaskDesire Of(TaskAssignment assignment, bool unlisted) => new(assignment.Task.DesiredStatus ?? TaskStatuses.Running, unlisted);

    /// <summary>A task the server no longer lists must not run here either.</summary>
    public bool WantsStop => Unlisted || DesiredStatus == TaskStatuses.Stopped;
}

/// <summary>The task's next known state and what to do now; with nothing to do, when to look again without an event (null: only on one).</summary>
internal sealed record TaskDecision(TaskState State, IReadOnlyList<TaskAction> Actions, DateTimeOffset? WakeAt);

/// <summary>A container of the agent's namespace that carries the task's label, as Docker lists it.</summary>
internal sealed record FoundContainer(string Id, string? ContainerName, string? DockerName, DateTime Created);

/// <summary>The task after re-adoption, the extra Docker containers to remove, and what was found amiss (for the log).</summary>
internal sealed record Adoption(TaskState State, IReadOnlyList<string> Duplicates, IReadOnlyList<ContainerState> Unrecorded, IReadOnlyList<ContainerState> Vanished);

/// <summary>
/// The task state machine, as pure functions in the manner of the ECS agent's task manager: <see cref="Decide"/> moves a
/// task's known state toward its desired state one transition at a time (pull → create → start each container once
/// its dependsOn conditions hold; stop them all, dependents first, when the task is told to stop, when an essential
/// container exits or when the task cannot start; then clean up), and <see cref="Apply"/> folds what Docker and the
/// actions report back into the known state. No I/O, no clock: <see cref="TaskManager"/> carries the decisions out.
/// </summary>
internal static class TaskTransitions
{
    /// <summary>The next step from <paramref name="state"/> toward <paramref name="desire"/> at <paramref name="now"/>.</summary>
    public static TaskDecision Decide(TaskSpec spec, TaskState state, TaskDesire desire, DateTimeOffset now)
    {
        if (state.KnownStatus == TaskStatuses.Stopped)
        {
            return AfterStop(spec, state, desire, now);
        }
        state = WithRestarts(state, desire, now);
        state = WithStop(spec, state, desire);
        if (state.Stop is null)
        {
            var (next, actions) = BringUp(spec, state, now);
            if (actions.Count > 0)
            {
                return new TaskDecision(next, actions, null);
            }
            state = WithStop(spec, next, desire);
        }
        if (state.Stop is not null)
        {
            return Stopping(spec, state, desire, now);
        }
        if (state.KnownStatus == TaskStatuses.Pending && state.AllStarted)
        {
            state = state with { KnownStatus = TaskStatuses.Running, StartedAt = now };
        }
        return new TaskDecision(state, [], NextWake(spec, state, now));
    }

    /// <summary>The known state once <paramref name="e"/> happened.</summary>
    public static TaskState Apply(TaskSpec spec, TaskState state, TaskEvent e) => e switch
    {
        ContainerInspected i => Change(state, i.Container, c => c.Observe(i.Observation, spec.HostModeBindings)),
        NetworkInspected n => state with { NetworkRunning = n.Running },
        NetworkPrepared { Failure: { } failure } => state with { Stop = state.Stop ?? StopDecision.FailedToStart(failure) },
        NetworkPrepared => state with { NetworkRunning = true },
        ImagePulled p => Change(state with { PullStoppedAt = p.At }, p.Container,
            c => p.Failure is null ? c.Advance(ContainerPhase.Pulled) : c.Fail(p.Failure)),
        LoggingRefused l => Change(state, l.Container, c => c.Fail(l.Reason)),
        CreateRefused r => Change(state, r.Container, c => c.Fail($"CannotCreateContainerError: {r.Message}")),
        ContainerCreated created => Change(state, created.Container, c => c.Created(created.RuntimeId, created.DockerName)),
        StartRefused r => Change(state, r.Container, c => c.Fail($"CannotStartContainerError: {r.Message}")),
        ContainerStopped s => Change(state, s.Container, c => c.Observe(s.Observation, spec.HostModeBindings).MarkStopped()),
        NetworkReleased => state with { NetworkReleased = true },
        TaskCleanedUp => state with { CleanedUp = true },
        _ => throw new ArgumentOutOfRangeException(nameof(e), e, "Unknown task event."),
    };

    /// <summary>
    /// After an agent restart: takes the task's containers as Docker lists them by label, whatever the state file says
    /// (a container created just before a crash is found too). The one the state file names wins, else the newest;
    /// more than one for an ECS container can only come from a crash at the wrong moment, and the others go. A
    /// container the state file names that Docker no longer has was removed outside the agent.
    /// </summary>
    public static Adoption Adopt(TaskState state, IReadOnlyList<FoundContainer> found)
    {
        var duplicates = new List<string>();
        var unrecorded = new List<ContainerState>();
        var vanished = new List<ContainerState>();
        foreach (var c in state.Containers)
        {
            var mine = found.Where(f => f.ContainerName == c.Name)
                .OrderByDescending(f => f.Id == c.RuntimeId).ThenByDescending(f => f.Created).ToList();
            if (mine.Count > 0)
            {
                var adopted = c.Adopt(mine[0].Id, mine[0].DockerName);
                if (c.RuntimeId is null)
                {
                    unrecorded.Add(adopted);
                }
                state = state.With(adopted);
                duplicates.AddRange(mine.Skip(1).Select(f => f.Id));
            }
            else if (c.IsLive)
            {
                state = state.With(c.Fail(ContainerState.VanishedReason));
                vanished.Add(c);
            }
        }
        return new Adoption(state, duplicates, unrecorded, vanished);
    }

    /// <summary>
    /// ECS's container restart policy: a container that ran and exited while the task is not stopping is started again
    /// in place (<see cref="BringUp"/> then starts it) instead of ending the task, unless its exit code is ignored or it
    /// ran less than the policy's attempt period; then the essential-container rules apply as without a policy.
    /// </summary>
    private static TaskState WithRestarts(TaskState state, TaskDesire desire, DateTimeOffset now)
    {
        if (state.Stop is not null || desire.WantsStop)
        {
            return state;
        }
        foreach (var c in state.Containers.Where(c => c.Phase == ContainerPhase.Stopped && c.EverStarted && c.RuntimeId is not null))
        {
            if (RestartPolicy.Restarts(c.Plan.Definition.RestartPolicy, c.ExitCode, c.Observation?.StartedAt, c.Observation?.FinishedAt ?? now))
            {
                state = state.With(c.Restart());
            }
        }
        return state;
    }

    private static TaskState WithStop(TaskSpec spec, TaskState state, TaskDesire desire) =>
        state.Stop is null ? state with { Stop = StopReason(spec, state, desire) } : state;

    /// <summary>Why the task must stop now, or null.</summary>
    private static StopDecision? StopReason(TaskSpec spec, TaskState state, TaskDesire desire)
    {
        if (desire.WantsStop)
        {
            // Stopped on the control plane's word (StopTask, a deployment, …): the server keeps its own reason.
            return StopDecision.ByControlPlane;
        }
        if (spec.Plan.Failure is { } failure)
        {
            return StopDecision.FailedToStart(failure);
        }
        var essential = state.Containers.FirstOrDefault(c => c.Essential && c.Phase == ContainerPhase.Stopped);
        if (essential is null)
        {
            return null;
        }
        // ECS: a container that ran and exited ends the task; one that never ran failed its start.
        return essential.EverStarted
            ? StopDecision.EssentialContainerExited
            : StopDecision.FailedToStart(essential.Reason ?? $"Essential container '{essential.Name}' failed to start");
    }

    /// <summary>
    /// The network namespace first; then the next transition of every container whose dependencies are met (they run
    /// in parallel). A dependency that can never be met, or that a container waited on past its startTimeout, fails the
    /// task's start and nothing else is begun.
    /// </summary>
    private static (TaskState State, IReadOnlyList<TaskAction> Actions) BringUp(TaskSpec spec, TaskState state, DateTimeOffset now)
    {
        if (spec.HasNetwork && !state.NetworkRunning && state.Containers.Any(c => c.Phase < ContainerPhase.Created))
        {
            return (state, [new PrepareNetwork()]);
        }
        var actions = new List<TaskAction>();
        foreach (var c in state.Containers.Where(c => c.Phase < ContainerPhase.Running))
        {
            var (outcome, detail) = Dependencies.Check(c.Plan, state.Find);
            switch (outcome)
            {
                case DependencyOutcome.Impossible:
                    return (FailStart(state, c, $"Task failed to start: {detail}"), []);
                case DependencyOutcome.Waiting:
                    var waiting = c.Waiting(now);
                    state = state.With(waiting);
                    var limit = spec.StartTimeoutOf(c.Plan);
                    if (now - waiting.WaitingSince >= limit)
                    {
                        return (FailStart(state, waiting, $"Task failed to start: container '{c.Name}' timed out after {limit.TotalSeconds:0} s waiting for {detail}"), []);
                    }
                    break;
                default:
                    actions.Add(c.Phase switch
                    {
                        < ContainerPhase.Pulled => new PullImage(c.Name, c.Plan.Definition.Image!),
                        < ContainerPhase.Created => new CreateContainer(c.Name, spec.StopTimeoutOf(c.Plan)),
                        _ => new StartContainer(c.Name, c.RuntimeId!),
                    });
                    break;
            }
        }
        if (actions.Any(a => a is PullImage))
        {
            state = state with { PullStartedAt = state.PullStartedAt ?? now };
        }
        return (state, actions);
    }

    private static TaskState FailStart(TaskState state, ContainerState container, string reason) =>
        state.With(container.Fail(reason)) with { Stop = StopDecision.FailedToStart(reason) };

    /// <summary>
    /// Stops the containers that nothing still running depends on (ECS's reverse dependency order; all at once if
    /// they depend on each other in a circle), then takes the network down, then the task is STOPPED.
    /// </summary>
    private static TaskDecision Stopping(TaskSpec spec, TaskState state, TaskDesire desire, DateTimeOffset now)
    {
        while (state.Containers.Where(c => c.Phase < ContainerPhase.Stopped).ToList() is { Count: > 0 } live)
        {
            var batch = live.Where(c => !live.Any(o => o.Name != c.Name && o.Plan.DependsOn.Any(d => d.Container == c.Name))).ToList();
            var actions = new List<TaskAction>();
            foreach (var c in batch.Count > 0 ? batch : live)
            {
                if (c.RuntimeId is null)
                {
                    state = state.With(c.MarkStopped());
                }
                else
                {
                    actions.Add(new StopContainer(c.Name, c.RuntimeId, c.Phase == ContainerPhase.Running ? spec.StopTimeoutOf(c.Plan) : null));
                }
            }
            if (actions.Count > 0)
            {
                return new TaskDecision(state, actions, null);
            }
        }
        if (spec.HasNetwork && !state.NetworkReleased)
        {
            // Down before STOPPED is reported: the server frees the address with that report.
            return new TaskDecision(state, [new ReleaseNetwork()], null);
        }
        state = state with
        {
            KnownStatus = TaskStatuses.Stopped,
            ExecutionStoppedAt = now,
            // A container that ran and exited between two inspects never showed the task RUNNING here; it still
            // started, and ECS reports when.
            StartedAt = state.StartedAt ?? state.Containers.Where(c => c.Observation?.EverStarted == true).Min(c => c.Observation!.StartedAt),
        };
        return AfterStop(spec, state, desire, now);
    }

    /// <summary>A STOPPED task is cleaned up once the server stops listing it, or after the cleanup wait; then forgotten.</summary>
    private static TaskDecision AfterStop(TaskSpec spec, TaskState state, TaskDesire desire, DateTimeOffset now)
    {
        if (!state.CleanedUp && (desire.Unlisted || now >= state.ExecutionStoppedAt + spec.Timings.CleanupWait))
        {
            return new TaskDecision(state, [new CleanUp()], null);
        }
        if (state.CleanedUp && desire.Unlisted)
        {
            return new TaskDecision(state, [new Finish()], null);
        }
        return new TaskDecision(state, [], NextWake(spec, state, now));
    }

    /// <summary>The next resync, the cleanup of a STOPPED task, or the earliest startTimeout of a waiting container.</summary>
    private static DateTimeOffset? NextWake(TaskSpec spec, TaskState state, DateTimeOffset now)
    {
        DateTimeOffset? next = now + TaskTimings.Resync;
        if (state.KnownStatus == TaskStatuses.Stopped)
        {
            next = state.CleanedUp ? null : state.ExecutionStoppedAt + spec.Timings.CleanupWait;
        }
        foreach (var c in state.Containers.Where(c => c.WaitingSince is not null && c.Phase < ContainerPhase.Created))
        {
            var due = c.WaitingSince!.Value + spec.StartTimeoutOf(c.Plan);
            if (next is null || due < next)
            {
                next = due;
            }
        }
        return next < now ? now : next;
    }

    private static TaskState Change(TaskState state, string container, Func<ContainerState, ContainerState> change) =>
        state.Find(container) is { } c ? state.With(change(c)) : state;
}
