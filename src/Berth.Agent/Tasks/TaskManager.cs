using System.Runtime.ExceptionServices;
using System.Text.Json;
using System.Threading.Channels;
using Berth.Agent.Docker;
using Berth.Agent.Metadata;
using Berth.Agent.Networking;
using Berth.Agent.State;
using Berth.Core.Agent;
using Berth.Core.State;
using Berth.Core.Tasks;
using Microsoft.Extensions.Logging;

namespace Berth.Agent.Tasks;

/// <summary>
/// Runs one task on this instance, as the ECS agent's <c>task_manager.go</c> does, as an imperative shell around the pure
/// <see cref="TaskTransitions"/>: each step re-reads the task's containers in Docker, asks what to do next, has the
/// <see cref="TaskActionRunner"/> do it, feeds back what happened, and repeats until nothing is left to do now; then it
/// waits for a Docker event, a new assignment or the decision's wake-up time. Level-triggered, so a missed event or an
/// agent restart only delays a step. Every change of the known state is saved to the state file and reported upstream.
/// </summary>
internal sealed partial class TaskManager
{
    private readonly AgentRuntime _rt;
    private readonly ILogger _logger;
    private readonly TaskSpec _spec;
    private readonly TaskSandbox? _sandbox;
    private readonly TaskActionRunner _runner;
    private readonly bool _adopt;
    private readonly string? _credentialsId;
    private readonly string? _credentialsToken;
    private readonly Lock _gate = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    private TaskAssignment _assignment; // guarded by _gate: the poll loop replaces it
    private bool _unlisted;             // guarded by _gate

    // Only the task's own loop changes these.
    private TaskState _state;
    private string? _lastReportKey;
    private string? _lastSavedKey;
    private TaskView _view;

    /// <param name="adopt">Look for existing containers of the task in Docker before doing anything.</param>
    public TaskManager(AgentRuntime runtime, TaskAssignment assignment, TaskRecord? saved, bool adopt = true)
    {
        _adopt = adopt;
        _rt = runtime;
        _logger = runtime.LoggerFactory.CreateLogger<TaskManager>();
        _assignment = assignment;
        TaskArn = assignment.Task.TaskArn ?? throw new ArgumentException("A task assignment needs a taskArn.", nameof(assignment));
        var planned = saved?.Assignment ?? assignment;
        _spec = TaskSpec.For(planned, runtime.Options);
        _sandbox = _spec.HasNetwork ? new TaskSandbox(runtime, TaskArn, planned.Network!) : null;
        // A task with a role keeps one credentials id for life: its containers have it in their environment. A task in
        // host mode shares the host's addresses, so its requests are told apart by a token of its own instead.
        var hasRole = assignment.RoleCredentials is not null && planned.TaskDefinition.NetworkMode != "none";
        _credentialsId = saved?.CredentialsId ?? (hasRole ? CredentialsEndpoint.NewId() : null);
        _credentialsToken = saved?.CredentialsToken ?? (hasRole && planned.TaskDefinition.NetworkMode == "host" ? CredentialsEndpoint.NewId() : null);
        _runner = new TaskActionRunner(runtime, TaskArn, _sandbox, _credentialsId, _credentialsToken, () => Current.ExecutionRoleCredentials);
        _state = TaskState.Start(_spec.Plan, saved, () => Guid.NewGuid().ToString("N"));
        _view = TaskView.Of(assignment, _state);
    }

    public string TaskArn { get; }

    /// <summary>The task's pause container (awsvpc), once known.</summary>
    public string? PauseContainerId => _sandbox?.ContainerId;

    /// <summary>The latest picture of the task.</summary>
    public TaskView View => Volatile.Read(ref _view);

    /// <summary>The task's current role credentials (the latest assignment's: the server rotates them) and addresses.</summary>
    public TaskCredentialsGrant CredentialsGrant => new(Current.RoleCredentials, View.SourceAddresses, _credentialsToken);

    /// <summary>
    /// A newer assignment (desired status may have changed, or newer role credentials came). Secrets stay those of
    /// the first assignment that had them: ECS resolves them once, at task start.
    /// </summary>
    public void Update(TaskAssignment assignment)
    {
        lock (_gate)
        {
            _assignment = assignment with { Secrets = _assignment.Secrets ?? assignment.Secrets };
        }
        Poke();
    }

    /// <summary>The server no longer lists the task: it must not run here; stop and remove everything.</summary>
    public void Unlist()
    {
        lock (_gate)
        {
            _unlisted = true;
        }
        Poke();
    }

    /// <summary>Something about the task's containers changed in Docker; re-read them.</summary>
    public void Poke() => _wake.Writer.TryWrite(true);

    /// <summary>Runs until the task is finished with (stopped, cleaned up and no longer listed) or cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var adopted = !_adopt;
        var failures = 0;
        if (_credentialsId is not null)
        {
            _rt.CredentialsIds[_credentialsId] = this;
        }
        while (true)
        {
            try
            {
                if (!adopted)
                {
                    await AdoptAsync(cancellationToken).ConfigureAwait(false);
                    adopted = true;
                }
                var before = _state.ProgressKey;
                var (finished, wakeAt) = await StepAsync(cancellationToken).ConfigureAwait(false);
                failures = 0;
                if (finished)
                {
                    return;
                }
                if (_state.ProgressKey == before)
                {
                    await WaitAsync(wakeAt, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures++;
                var delay = TimeSpan.FromMilliseconds(Math.Min(250 * Math.Pow(2, failures), 15_000));
                LogStepFailed(_logger, e, TaskArn, _state.KnownStatus, delay.TotalSeconds);
                try
                {
                    await Task.Delay(delay, _rt.Time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Takes the task's containers as Docker has them by label. Never starts, restarts or recreates anything.</summary>
    private async Task AdoptAsync(CancellationToken cancellationToken)
    {
        var found = await _rt.Docker.ListContainersAsync(new Dictionary<string, string>
        {
            [DockerLabels.TaskArn] = TaskArn,
            [DockerLabels.AgentNamespace] = _rt.AgentNamespace,
        }, cancellationToken).ConfigureAwait(false);
        var adoption = TaskTransitions.Adopt(_state, found.Select(f => new FoundContainer(f.ID,
            f.Labels is not null && f.Labels.TryGetValue(DockerLabels.ContainerName, out var name) ? name : null,
            f.Names?.FirstOrDefault()?.TrimStart('/'), f.Created)).ToList());
        _state = adoption.State;
        foreach (var c in adoption.Unrecorded)
        {
            LogAdoptedUnrecorded(_logger, TaskArn, c.Name, c.RuntimeId!);
        }
        foreach (var c in adoption.Vanished)
        {
            LogVanished(_logger, TaskArn, c.Name, c.RuntimeId!);
        }
        foreach (var duplicate in adoption.Duplicates)
        {
            await _rt.Docker.RemoveContainerAsync(duplicate, cancellationToken).ConfigureAwait(false);
        }
        foreach (var c in _state.Containers.Where(c => c.RuntimeId is not null))
        {
            _rt.MetadataTokens[c.MetadataToken] = this;
            // Output written while the agent was down is still in Docker's log: ship it from the saved position.
            _rt.Logs.Follow(c.RuntimeId!, c.Plan.Definition, c.Name, TaskArn, _runner.LogsExecution(Current));
        }
        if (_sandbox is not null)
        {
            await _sandbox.AdoptAsync(cancellationToken).ConfigureAwait(false);
        }
        if (found.Count > 0)
        {
            LogAdopted(_logger, TaskArn, found.Count, _state.KnownStatus);
        }
    }

    /// <summary>One level-triggered step: re-read Docker, then decide and act until nothing is left to do now.</summary>
    private async Task<(bool Finished, DateTimeOffset? WakeAt)> StepAsync(CancellationToken cancellationToken)
    {
        await ObserveAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var decision = TaskTransitions.Decide(_spec, _state, Desire, _rt.Time.GetUtcNow());
            Commit(decision.State);
            await RouteCredentialsAsync(finished: false, cancellationToken).ConfigureAwait(false);
            if (decision.Actions.Count == 0)
            {
                return (false, decision.WakeAt);
            }
            if (decision.Actions.Any(a => a is Finish))
            {
                foreach (var c in _state.Containers)
                {
                    _rt.MetadataTokens.TryRemove(new KeyValuePair<string, TaskManager>(c.MetadataToken, this));
                }
                await RouteCredentialsAsync(finished: true, cancellationToken).ConfigureAwait(false);
                return (true, null);
            }
            var progress = _state.ProgressKey;
            await RunAsync(decision.Actions, cancellationToken).ConfigureAwait(false);
            if (_state.ProgressKey == progress)
            {
                // Docker did as asked and nothing changed (a start that left the container only created): look again
                // after the resync interval instead of asking again at once.
                return (false, _rt.Time.GetUtcNow() + TaskTimings.Resync);
            }
        }
    }

    /// <summary>
    /// Sends the task's requests for 169.254.170.2 to this agent from the addresses it has now (an address given back to
    /// Docker must not keep pointing here), and forgets its credentials once the task is finished with.
    /// </summary>
    private async Task RouteCredentialsAsync(bool finished, CancellationToken cancellationToken)
    {
        if (_credentialsId is null)
        {
            return;
        }
        // A host-mode task reaches the endpoint on loopback: nothing to route.
        if (_credentialsToken is null && _rt.CredentialsRouting is { } routing)
        {
            var addresses = finished ? [] : View.SourceAddresses;
            if (addresses.Count == 0)
            {
                await routing.RemoveAsync(TaskArn, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await routing.SetAsync(TaskArn, addresses, cancellationToken).ConfigureAwait(false);
            }
        }
        if (finished)
        {
            _rt.CredentialsIds.TryRemove(new KeyValuePair<string, TaskManager>(_credentialsId, this));
        }
    }

    /// <summary>
    /// Runs one decision's actions in parallel and applies what they report, even when one of them failed, so nothing
    /// Docker made is forgotten; the failure then fails the step.
    /// </summary>
    private async Task RunAsync(IReadOnlyList<TaskAction> actions, CancellationToken cancellationToken)
    {
        var state = _state;
        var assignment = Current;
        var results = await Task.WhenAll(actions.Select(async action =>
        {
            try
            {
                return (Event: await _runner.RunAsync(action, state, assignment, cancellationToken).ConfigureAwait(false), Error: (ExceptionDispatchInfo?)null);
            }
            catch (Exception e)
            {
                return (Event: (TaskEvent?)null, Error: ExceptionDispatchInfo.Capture(e));
            }
        })).ConfigureAwait(false);
        foreach (var (e, _) in results)
        {
            if (e is not null)
            {
                Apply(e);
            }
        }
        Commit(_state);
        results.Select(r => r.Error).FirstOrDefault(error => error is not null)?.Throw();
    }

    /// <summary>Inspects every container Docker has that has not stopped yet, and the awsvpc pause container.</summary>
    private async Task ObserveAsync(CancellationToken cancellationToken)
    {
        foreach (var c in _state.Containers.Where(c => c.IsLive).ToList())
        {
            Apply(new ContainerInspected(c.Name, await _rt.Docker.InspectAsync(c.RuntimeId!, cancellationToken).ConfigureAwait(false)));
        }
        if (_sandbox?.ContainerId is { } pause && _state.KnownStatus != TaskStatuses.Stopped)
        {
            var observation = await _rt.Docker.InspectAsync(pause, cancellationToken).ConfigureAwait(false);
            Apply(new NetworkInspected(observation?.Phase == ContainerPhase.Running));
        }
    }

    /// <summary>Folds <paramref name="e"/> into the known state, and logs a container that stopped with it.</summary>
    private void Apply(TaskEvent e)
    {
        var before = _state;
        _state = TaskTransitions.Apply(_spec, before, e);
        switch (e)
        {
            case ContainerCreated created:
                _rt.MetadataTokens[_state.Find(created.Container)!.MetadataToken] = this;
                break;
            case NetworkPrepared { Failure: { } failure }:
                LogContainerFailed(_logger, TaskArn, TaskSandbox.ContainerName, failure);
                break;
            case ContainerEvent { Container: var name } when before.Find(name)?.Phase != ContainerPhase.Stopped
                && _state.Find(name) is { Phase: ContainerPhase.Stopped } c:
                if (e is ContainerInspected { Observation.Phase: ContainerPhase.Stopped } or ContainerStopped { Observation.Phase: ContainerPhase.Stopped })
                {
                    LogContainerExited(_logger, TaskArn, c.Name, c.ExitCode, c.Reason ?? "none");
                }
                else if (e is not (ContainerInspected or ContainerStopped))
                {
                    // A refusal (pull, logging, create, start); an inspect that finds the container gone, or the
                    // agent's own stop of a container that never ran, is no failure of the container.
                    LogContainerFailed(_logger, TaskArn, c.Name, c.Reason ?? "none");
                }
                break;
        }
    }

    /// <summary>Takes the decided state: logs the task's transitions, and saves, reports and publishes what changed.</summary>
    private void Commit(TaskState next)
    {
        var before = _state;
        _state = next;
        if (next.KnownStatus != before.KnownStatus && next.KnownStatus == TaskStatuses.Running)
        {
            LogTaskRunning(_logger, TaskArn, (next.StartedAt - next.PullStartedAt)?.TotalMilliseconds ?? 0);
        }
        if (next.KnownStatus != before.KnownStatus && next.KnownStatus == TaskStatuses.Stopped)
        {
            LogTaskStopped(_logger, TaskArn, next.Stop?.Reason ?? "desired status STOPPED", next.Stop?.Code ?? "-");
        }
        var report = next.ToReport(TaskArn);
        var reportKey = JsonSerializer.Serialize(report, StateJsonContext.Default.AgentTaskReport);
        if (reportKey != _lastReportKey)
        {
            _lastReportKey = reportKey;
            _rt.Reports.Enqueue(report);
        }
        var assignment = Current;
        if (next.ProgressKey != _lastSavedKey)
        {
            _lastSavedKey = next.ProgressKey;
            _rt.State.PutTask(TaskArn, next.ToRecord(assignment) with { CredentialsId = _credentialsId, CredentialsToken = _credentialsToken });
        }
        Volatile.Write(ref _view, TaskView.Of(assignment, next));
    }

    private async Task WaitAsync(DateTimeOffset? wakeAt, CancellationToken cancellationToken)
    {
        if (_wake.Reader.TryRead(out _))
        {
            return;
        }
        var delay = wakeAt is { } at ? at - _rt.Time.GetUtcNow() : Timeout.InfiniteTimeSpan;
        using var timeout = delay == Timeout.InfiniteTimeSpan ? new CancellationTokenSource()
            : new CancellationTokenSource(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, _rt.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            await _wake.Reader.WaitToReadAsync(linked.Token).ConfigureAwait(false);
            _wake.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The wake-up time: re-read Docker even without an event.
        }
    }

    private TaskDesire Desire
    {
        get
        {
            lock (_gate)
            {
                return TaskDesire.Of(_assignment, _unlisted);
            }
        }
    }

    private TaskAssignment Current
    {
        get
        {
            lock (_gate)
            {
                return _assignment;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Step of task {TaskArn} ({KnownStatus}) failed; retrying in {DelaySeconds} s")]
    private static partial void LogStepFailed(ILogger logger, Exception exception, string taskArn, string knownStatus, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskArn} is RUNNING ({Milliseconds} ms after its first pull)")]
    private static partial void LogTaskRunning(ILogger logger, string taskArn, double milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskArn} is STOPPED: {Reason} ({StopCode})")]
    private static partial void LogTaskStopped(ILogger logger, string taskArn, string reason, string stopCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Container {ContainerName} of task {TaskArn} failed: {Reason}")]
    private static partial void LogContainerFailed(ILogger logger, string taskArn, string containerName, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Container {ContainerName} of task {TaskArn} stopped: exit code {ExitCode}, reason {Reason}")]
    private static partial void LogContainerExited(ILogger logger, string taskArn, string containerName, int? exitCode, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Adopted {Count} container(s) of task {TaskArn} (known status {KnownStatus})")]
    private static partial void LogAdopted(ILogger logger, string taskArn, int count, string knownStatus);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Container {ContainerName} of task {TaskArn} was not in the state file; adopted {ContainerId} by its labels")]
    private static partial void LogAdoptedUnrecorded(ILogger logger, string taskArn, string containerName, string containerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Container {ContainerName} ({ContainerId}) of task {TaskArn} no longer exists in Docker")]
    private static partial void LogVanished(ILogger logger, string taskArn, string containerName, string containerId);
}
