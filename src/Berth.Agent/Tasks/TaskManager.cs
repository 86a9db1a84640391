using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Berth.Agent.Docker;
using Berth.Agent.Networking;
using Berth.Agent.State;
using Berth.Core.Agent;
using Berth.Core.Ecs;
using Berth.Core.Networking;
using Berth.Core.Tasks;
using Docker.DotNet;
using Microsoft.Extensions.Logging;

namespace Berth.Agent.Tasks;

/// <summary>
/// Moves one task's known status toward its desired status, one step at a time, as the ECS agent's
/// <c>task_manager.go</c> does: pull → create → start each container once its dependsOn conditions hold; watch
/// them; stop them all (in reverse dependency order) when the task is told to stop, when an essential container
/// exits or when the task cannot start. Every step is level-triggered (it re-reads Docker), so a missed event
/// or an agent restart only delays it. Each change is saved to the state file and reported upstream.
/// </summary>
internal sealed partial class TaskManager
{
    private static readonly TimeSpan ResyncInterval = TimeSpan.FromSeconds(10);

    /// <summary>How long removal of a stopped container waits for its awslogs output to be shipped.</summary>
    private static readonly TimeSpan LogDrainTimeout = TimeSpan.FromSeconds(30);

    private readonly AgentRuntime _rt;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();

    // Containers of one task are brought up and stopped in parallel; their shared task state and the
    // reports built from it change under this (re-entrant) monitor.
    private readonly object _mutation = new();
    private readonly SemaphoreSlim _volumesOnce = new(1, 1);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly TaskPlan _plan;
    private readonly List<ManagedContainer> _containers = [];
    private readonly IReadOnlyList<NetworkBinding>? _hostModeBindings;
    private readonly TaskSandbox? _sandbox;

    private TaskAssignment _assignment; // guarded by _gate: the poll loop replaces it
    private bool _unlisted;             // guarded by _gate

    private string _known = TaskStatuses.Pending;
    private StopDecision? _stop;
    private DateTimeOffset? _pullStartedAt;
    private DateTimeOffset? _pullStoppedAt;
    private DateTimeOffset? _startedAt;
    private DateTimeOffset? _executionStoppedAt;
    private bool _cleanedUp;
    private bool _finished;
    private Dictionary<string, string>? _volumeSources;
    private string? _lastReportKey;
    private string? _lastSavedKey;
    private TaskView? _view;

    private readonly bool _adopt;

    /// <param name="adopt">Look for existing containers of the task in Docker before doing anything.</param>
    public TaskManager(AgentRuntime runtime, TaskAssignment assignment, TaskRecord? saved, bool adopt = true)
    {
        _adopt = adopt;
        _rt = runtime;
        _logger = runtime.LoggerFactory.CreateLogger<TaskManager>();
        _assignment = assignment;
        TaskArn = assignment.Task.TaskArn ?? throw new ArgumentException("A task assignment needs a taskArn.", nameof(assignment));
        // A task's definition never changes: the plan made from the first assignment holds for its whole life.
        var planned = saved?.Assignment ?? assignment;
        _plan = TaskPlan.Build(planned, runtime.Options.AllowPrivileged);
        if (planned.Network is { } network && planned.TaskDefinition.NetworkMode == AwsvpcRules.NetworkMode)
        {
            _sandbox = new TaskSandbox(runtime, TaskArn, network);
        }
        foreach (var container in _plan.Containers)
        {
            var record = saved?.Containers.FirstOrDefault(c => c.Name == container.Name);
            var managed = new ManagedContainer(container, record?.MetadataToken ?? Guid.NewGuid().ToString("N"))
            {
                RuntimeId = record?.RuntimeId,
                DockerName = record?.DockerName,
            };
            if (record is not null && Enum.TryParse<ContainerPhase>(record.Phase, out var phase))
            {
                managed.Restore(phase, record.EverStarted, record.ExitCode, record.Reason);
            }
            _containers.Add(managed);
        }
        if (planned.TaskDefinition.NetworkMode == "host")
        {
            _hostModeBindings = _plan.Containers.SelectMany(c => c.Definition.PortMappings ?? []).Where(m => m.ContainerPort is not null)
                .Select(m => new NetworkBinding { BindIP = "0.0.0.0", ContainerPort = m.ContainerPort, HostPort = m.HostPort ?? m.ContainerPort, Protocol = m.Protocol ?? "tcp" })
                .ToList();
        }
        if (saved is not null)
        {
            _known = saved.KnownStatus;
            _stop = saved.StopDecided ? new StopDecision(saved.StoppedReason, saved.StopCode) : null;
            _pullStartedAt = saved.PullStartedAt;
            _pullStoppedAt = saved.PullStoppedAt;
            _startedAt = saved.StartedAt;
            _executionStoppedAt = saved.ExecutionStoppedAt;
            _cleanedUp = saved.CleanedUp;
        }
        PublishView();
    }

    public string TaskArn { get; }

    /// <summary>The latest picture of the task; never null.</summary>
    public TaskView View => _view!;

    /// <summary>A newer assignment (desired status may have changed).</summary>
    public void Update(TaskAssignment assignment)
    {
        lock (_gate)
        {
            _assignment = assignment;
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
        while (true)
        {
            try
            {
                if (!adopted)
                {
                    await AdoptAsync(cancellationToken).ConfigureAwait(false);
                    adopted = true;
                }
                var progressed = await StepAsync(cancellationToken).ConfigureAwait(false);
                failures = 0;
                if (_finished)
                {
                    return;
                }
                if (!progressed)
                {
                    await WaitAsync(NextWake(), cancellationToken).ConfigureAwait(false);
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
                LogStepFailed(_logger, e, TaskArn, _known, delay.TotalSeconds);
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

    /// <summary>
    /// Finds the task's containers in Docker by label (whatever the state file says: a container created just
    /// before a crash is found too) and takes their current state. Never starts, restarts or recreates anything.
    /// </summary>
    private async Task AdoptAsync(CancellationToken cancellationToken)
    {
        var found = await _rt.Docker.ListContainersAsync(new Dictionary<string, string>
        {
            [DockerLabels.TaskArn] = TaskArn,
            [DockerLabels.AgentNamespace] = _rt.AgentNamespace,
        }, cancellationToken).ConfigureAwait(false);
        foreach (var c in _containers)
        {
            var mine = found.Where(f => f.Labels is not null && f.Labels.TryGetValue(DockerLabels.ContainerName, out var n) && n == c.Name)
                .OrderByDescending(f => f.ID == c.RuntimeId).ThenByDescending(f => f.Created).ToList();
            if (mine.Count > 0)
            {
                if (c.RuntimeId is null)
                {
                    LogAdoptedUnrecorded(_logger, TaskArn, c.Name, mine[0].ID);
                }
                c.RuntimeId = mine[0].ID;
                c.DockerName = mine[0].Names?.FirstOrDefault()?.TrimStart('/') ?? c.DockerName;
                foreach (var duplicate in mine.Skip(1))
                {
                    // Two Docker containers for one ECS container can only come from a crash at the wrong moment.
                    await _rt.Docker.RemoveContainerAsync(duplicate.ID, cancellationToken).ConfigureAwait(false);
                }
            }
            else if (c.RuntimeId is not null && c.Phase < ContainerPhase.Stopped)
            {
                c.Fail("DockerStateError: the container was removed outside the agent");
                LogVanished(_logger, TaskArn, c.Name, c.RuntimeId);
            }
            if (c.RuntimeId is not null)
            {
                _rt.MetadataTokens[c.MetadataToken] = this;
                // Output written while the agent was down is still in Docker's log: ship it from the saved position.
                _rt.Logs.Follow(c.RuntimeId, c.Plan.Definition, c.Name, TaskArn);
            }
        }
        if (_sandbox is not null)
        {
            await _sandbox.AdoptAsync(cancellationToken).ConfigureAwait(false);
        }
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        if (found.Count > 0)
        {
            LogAdopted(_logger, TaskArn, found.Count, _known);
        }
    }

    /// <summary>One level-triggered step. True when something changed, so the next step should follow at once.</summary>
    private async Task<bool> StepAsync(CancellationToken cancellationToken)
    {
        TaskAssignment assignment;
        bool unlisted;
        lock (_gate)
        {
            assignment = _assignment;
            unlisted = _unlisted;
        }
        var before = StateKey();
        await RefreshAsync(cancellationToken).ConfigureAwait(false);

        if (_known == TaskStatuses.Stopped)
        {
            await CleanUpIfDueAsync(unlisted, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _stop ??= DecideStop(assignment, unlisted);
            if (_stop is null)
            {
                await BringUpAsync(cancellationToken).ConfigureAwait(false);
                _stop ??= DecideStop(assignment, unlisted);
            }
            if (_stop is not null)
            {
                SaveAndReport();
                await StopAllAsync(cancellationToken).ConfigureAwait(false);
                if (_sandbox is not null)
                {
                    // Down before STOPPED is reported: the server frees the address with that report.
                    await _sandbox.StopAsync(cancellationToken).ConfigureAwait(false);
                }
                _known = TaskStatuses.Stopped;
                _executionStoppedAt = _rt.Time.GetUtcNow();
                // A container that ran and exited between two inspects never showed the task RUNNING here; it
                // still started, and ECS reports when.
                _startedAt ??= _containers.Where(c => c.Observation?.EverStarted == true).Min(c => c.Observation!.StartedAt);
                LogTaskStopped(_logger, TaskArn, _stop.Reason ?? "desired status STOPPED", _stop.Code ?? "-");
            }
            else if (_known == TaskStatuses.Pending && IsRunning())
            {
                _known = TaskStatuses.Running;
                _startedAt = _rt.Time.GetUtcNow();
                LogTaskRunning(_logger, TaskArn, (_startedAt - _pullStartedAt)?.TotalMilliseconds ?? 0);
            }
        }
        SaveAndReport();
        PublishView();
        return StateKey() != before;
    }

    /// <summary>Why the task must stop now, or null. Kept once decided: a stop is never undone.</summary>
    private StopDecision? DecideStop(TaskAssignment assignment, bool unlisted)
    {
        if (unlisted || assignment.Task.DesiredStatus == TaskStatuses.Stopped)
        {
            // Stopped on the control plane's word (StopTask, a deployment, …): the server keeps its own reason.
            return new StopDecision(null, null);
        }
        if (_plan.Failure is { } failure)
        {
            return new StopDecision(failure, "TaskFailedToStart");
        }
        var essential = _containers.FirstOrDefault(c => c.Essential && c.Phase == ContainerPhase.Stopped);
        if (essential is not null)
        {
            // ECS: once a container that ran exits, "Essential container in task exited"; one that never ran failed the start.
            return essential.EverStarted
                ? new StopDecision("Essential container in task exited", "EssentialContainerExited")
                : new StopDecision(essential.Reason ?? $"Essential container '{essential.Name}' failed to start", "TaskFailedToStart");
        }
        return null;
    }

    /// <summary>Advances every container whose dependencies are met (independent ones in parallel).</summary>
    private async Task BringUpAsync(CancellationToken cancellationToken)
    {
        if (_sandbox is not null && _containers.Any(c => c.Phase < ContainerPhase.Created)
            && await _sandbox.EnsureRunningAsync(PauseSpec(), cancellationToken).ConfigureAwait(false) is { } networkFailure)
        {
            LogContainerFailed(_logger, TaskArn, TaskSandbox.ContainerName, networkFailure);
            _stop = new StopDecision(networkFailure, "TaskFailedToStart");
            return;
        }
        var now = _rt.Time.GetUtcNow();
        var ready = new List<ManagedContainer>();
        foreach (var c in _containers.Where(c => c.Phase < ContainerPhase.Running))
        {
            var (outcome, detail) = Dependencies.Check(c.Plan, Find);
            switch (outcome)
            {
                case DependencyOutcome.Impossible:
                    var reason = $"Task failed to start: {detail}";
                    c.Fail(reason);
                    _stop = new StopDecision(reason, "TaskFailedToStart");
                    return;
                case DependencyOutcome.Waiting:
                    c.WaitingSince ??= now;
                    var limit = c.Plan.Definition.StartTimeout is > 0 and var s ? TimeSpan.FromSeconds(s) : _rt.Options.DefaultStartTimeout;
                    if (now - c.WaitingSince >= limit)
                    {
                        var timedOut = $"Task failed to start: container '{c.Name}' timed out after {limit.TotalSeconds:0} s waiting for {detail}";
                        c.Fail(timedOut);
                        _stop = new StopDecision(timedOut, "TaskFailedToStart");
                        return;
                    }
                    break;
                default:
                    ready.Add(c);
                    break;
            }
        }
        if (ready.Count > 0)
        {
            await Task.WhenAll(ready.Select(c => BringUpAsync(c, cancellationToken))).ConfigureAwait(false);
        }
    }

    /// <summary>pull → create → start for one container; a failure leaves it STOPPED with ECS's reason text.</summary>
    private async Task BringUpAsync(ManagedContainer c, CancellationToken cancellationToken)
    {
        var definition = c.Plan.Definition;
        var clock = _rt.Time.GetTimestamp();
        TimeSpan pulled = default, created = default;
        if (c.Phase < ContainerPhase.Pulled)
        {
            lock (_mutation)
            {
                _pullStartedAt ??= _rt.Time.GetUtcNow();
            }
            var pullError = await _rt.Docker.EnsureImageAsync(definition.Image!, _rt.Options.PullTimeout, cancellationToken).ConfigureAwait(false);
            lock (_mutation)
            {
                _pullStoppedAt = _rt.Time.GetUtcNow();
                if (pullError is not null)
                {
                    LogContainerFailed(_logger, TaskArn, c.Name, pullError);
                    c.Fail(pullError);
                    return;
                }
                c.Advance(ContainerPhase.Pulled);
            }
        }
        pulled = _rt.Time.GetElapsedTime(clock);

        if (c.Phase < ContainerPhase.Created)
        {
            if (await _rt.Logs.PrepareAsync(definition, cancellationToken).ConfigureAwait(false) is { } logError)
            {
                LogContainerFailed(_logger, TaskArn, c.Name, logError);
                lock (_mutation)
                {
                    c.Fail(logError);
                }
                return;
            }
            try
            {
                var volumes = await EnsureVolumesAsync(cancellationToken).ConfigureAwait(false);
                var assignment = Current;
                var dockerName = ContainerSpec.DockerNameFor(assignment.TaskDefinition, c.Name);
                Dictionary<string, string> dockerNames;
                lock (_mutation)
                {
                    dockerNames = _containers.Where(o => o.DockerName is not null).ToDictionary(o => o.Name, o => o.DockerName!);
                }
                var parameters = ContainerSpec.Build(c.Plan, new ContainerSpecContext
                {
                    Task = assignment.Task,
                    TaskDefinition = assignment.TaskDefinition,
                    Cluster = _rt.Cluster,
                    AgentNamespace = _rt.AgentNamespace,
                    DockerName = dockerName,
                    MetadataUriV4 = _rt.MetadataBaseUri is { } m ? $"{m}/v4/{c.MetadataToken}" : null,
                    MetadataUriV3 = _rt.MetadataBaseUri is { } m3 ? $"{m3}/v3/{c.MetadataToken}" : null,
                    NetworkSandboxId = _sandbox?.ContainerId,
                    DockerNames = dockerNames,
                    VolumeSources = volumes,
                    StopTimeout = StopTimeoutOf(c),
                });
                var id = await _rt.Docker.CreateContainerAsync(parameters, cancellationToken).ConfigureAwait(false);
                lock (_mutation)
                {
                    c.RuntimeId = id;
                    c.DockerName = dockerName;
                    c.Advance(ContainerPhase.Created);
                    _rt.MetadataTokens[c.MetadataToken] = this;
                    SaveAndReport(); // the container id must reach the state file before anything else can happen to it
                }
                created = _rt.Time.GetElapsedTime(clock);
            }
            catch (DockerApiException e)
            {
                var reason = $"CannotCreateContainerError: {DockerDriver.MessageOf(e)}";
                LogContainerFailed(_logger, TaskArn, c.Name, reason);
                lock (_mutation)
                {
                    c.Fail(reason);
                }
                return;
            }
        }

        if (c.Phase < ContainerPhase.Running)
        {
            try
            {
                await _rt.Docker.StartContainerAsync(c.RuntimeId!, cancellationToken).ConfigureAwait(false);
                _rt.Logs.Follow(c.RuntimeId!, definition, c.Name, TaskArn);
            }
            catch (DockerApiException e)
            {
                var reason = $"CannotStartContainerError: {DockerDriver.MessageOf(e)}";
                LogContainerFailed(_logger, TaskArn, c.Name, reason);
                lock (_mutation)
                {
                    c.Fail(reason);
                }
                return;
            }
            await RefreshAsync(c, cancellationToken).ConfigureAwait(false);
            LogBroughtUp(_logger, c.Name, TaskArn, pulled.TotalMilliseconds, (created - pulled).TotalMilliseconds,
                (_rt.Time.GetElapsedTime(clock) - created).TotalMilliseconds);
        }
    }

    /// <summary>Stops every container, dependents before what they depend on (ECS's reverse dependency order).</summary>
    private async Task StopAllAsync(CancellationToken cancellationToken)
    {
        while (_containers.Where(c => c.Phase < ContainerPhase.Stopped).ToList() is { Count: > 0 } live)
        {
            var batch = live.Where(c => !live.Any(o => o != c && o.Plan.DependsOn.Any(d => d.Container == c.Name))).ToList();
            await Task.WhenAll((batch.Count > 0 ? batch : live).Select(c => StopAsync(c, cancellationToken))).ConfigureAwait(false);
            SaveAndReport();
        }
    }

    private async Task StopAsync(ManagedContainer c, CancellationToken cancellationToken)
    {
        if (c.RuntimeId is null)
        {
            lock (_mutation)
            {
                c.MarkStopped();
            }
            return;
        }
        if (c.Phase == ContainerPhase.Running)
        {
            var timeout = StopTimeoutOf(c);
            LogStopping(_logger, TaskArn, c.Name, timeout.TotalSeconds);
            await _rt.Docker.StopContainerAsync(c.RuntimeId, timeout, cancellationToken).ConfigureAwait(false);
        }
        await RefreshAsync(c, cancellationToken).ConfigureAwait(false);
        lock (_mutation)
        {
            c.MarkStopped(); // created but never started: Docker keeps it "created", ECS calls it STOPPED
        }
    }

    private PauseContainerSpec PauseSpec()
    {
        var definition = Current.TaskDefinition;
        return new PauseContainerSpec(_rt.Options.PauseImage, ContainerSpec.DockerNameFor(definition, "internalecspause"), TaskArn, _rt.Cluster, _rt.AgentNamespace);
    }

    private TimeSpan StopTimeoutOf(ManagedContainer c)
    {
        var wanted = c.Plan.Definition.StopTimeout is >= 0 and var s ? TimeSpan.FromSeconds(s) : _rt.Options.DefaultStopTimeout;
        return wanted < _rt.Options.MaxStopTimeout ? wanted : _rt.Options.MaxStopTimeout;
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        foreach (var c in _containers.Where(c => c.RuntimeId is not null && c.Phase is ContainerPhase.Created or ContainerPhase.Running
            or ContainerPhase.None or ContainerPhase.Pulled))
        {
            await RefreshAsync(c, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RefreshAsync(ManagedContainer c, CancellationToken cancellationToken)
    {
        var observation = await _rt.Docker.InspectAsync(c.RuntimeId!, cancellationToken).ConfigureAwait(false);
        lock (_mutation)
        {
            if (observation is null)
            {
                c.Fail("DockerStateError: the container was removed outside the agent");
                return;
            }
            var before = c.Phase;
            c.Observe(observation, _hostModeBindings);
            if (c.Phase != before && c.Phase == ContainerPhase.Stopped)
            {
                LogContainerExited(_logger, TaskArn, c.Name, c.ExitCode, c.Reason ?? "none");
            }
        }
    }

    private bool IsRunning() =>
        _containers.Any(c => c.Phase == ContainerPhase.Running)
        && _containers.All(c => c.Phase == ContainerPhase.Running || (c.Phase == ContainerPhase.Stopped && c.EverStarted && !c.Essential));

    private ManagedContainer? Find(string name) => _containers.FirstOrDefault(c => c.Name == name);

    /// <summary>
    /// Host paths and Docker volumes for the task's volumes. Task-scoped Docker volumes are named after the task
    /// (so they are found again after a restart) and labelled for cleanup; shared ones are used by name.
    /// </summary>
    private async Task<Dictionary<string, string>> EnsureVolumesAsync(CancellationToken cancellationToken)
    {
        await _volumesOnce.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _volumeSources ??= await CreateVolumesAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _volumesOnce.Release();
        }
    }

    private async Task<Dictionary<string, string>> CreateVolumesAsync(CancellationToken cancellationToken)
    {
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        var definition = Current.TaskDefinition;
        var labels = new Dictionary<string, string>
        {
            [DockerLabels.TaskArn] = TaskArn,
            [DockerLabels.AgentNamespace] = _rt.AgentNamespace,
            [DockerLabels.Cluster] = _rt.Cluster,
        };
        foreach (var volume in definition.Volumes ?? [])
        {
            if (volume.Name is null)
            {
                continue;
            }
            if (volume.Host?.SourcePath is { Length: > 0 } path)
            {
                sources[volume.Name] = path;
                continue;
            }
            var docker = volume.DockerVolumeConfiguration;
            if (docker?.Scope == "shared")
            {
                if (!await _rt.Docker.VolumeExistsAsync(volume.Name, cancellationToken).ConfigureAwait(false))
                {
                    if (docker.Autoprovision != true)
                    {
                        throw new DockerApiException(System.Net.HttpStatusCode.NotFound,
                            $$"""{"message":"shared volume '{{volume.Name}}' does not exist and autoprovision is off"}""");
                    }
                    await _rt.Docker.CreateVolumeAsync(volume.Name, docker.Driver, docker.DriverOpts,
                        (docker.Labels ?? new Dictionary<string, string>()), cancellationToken).ConfigureAwait(false);
                }
                sources[volume.Name] = volume.Name;
                continue;
            }
            var name = TaskVolumeName(definition, volume.Name);
            var volumeLabels = new Dictionary<string, string>(docker?.Labels ?? new Dictionary<string, string>());
            foreach (var (key, value) in labels)
            {
                volumeLabels[key] = value;
            }
            await _rt.Docker.CreateVolumeAsync(name, docker?.Driver, docker?.DriverOpts, volumeLabels, cancellationToken).ConfigureAwait(false);
            sources[volume.Name] = name;
        }
        return sources;
    }

    private string TaskVolumeName(TaskDefinition definition, string volume)
    {
        var taskId = TaskArn[(TaskArn.LastIndexOf('/') + 1)..];
        var raw = $"ecs-{definition.Family}-{definition.Revision ?? 0}-{volume}-{taskId}";
        return string.Concat(raw.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.' or '-' ? ch : '-'));
    }

    /// <summary>
    /// Removes the containers (and task-scoped volumes) of a STOPPED task once the server stops listing it, or
    /// after the cleanup wait. The task is then finished with.
    /// </summary>
    private async Task CleanUpIfDueAsync(bool unlisted, CancellationToken cancellationToken)
    {
        if (!_cleanedUp && (unlisted || _rt.Time.GetUtcNow() >= _executionStoppedAt + _rt.Options.TaskCleanupWait))
        {
            foreach (var c in _containers.Where(c => c.RuntimeId is not null))
            {
                await _rt.Logs.DrainAsync(c.RuntimeId!, LogDrainTimeout, cancellationToken).ConfigureAwait(false);
                await _rt.Docker.RemoveContainerAsync(c.RuntimeId!, cancellationToken).ConfigureAwait(false);
            }
            if (_sandbox is not null)
            {
                await _sandbox.RemoveAsync(cancellationToken).ConfigureAwait(false);
            }
            foreach (var volume in await _rt.Docker.ListVolumesAsync(new Dictionary<string, string>
            {
                [DockerLabels.TaskArn] = TaskArn,
                [DockerLabels.AgentNamespace] = _rt.AgentNamespace,
            }, cancellationToken).ConfigureAwait(false))
            {
                await _rt.Docker.RemoveVolumeAsync(volume.Name, cancellationToken).ConfigureAwait(false);
            }
            _cleanedUp = true;
            LogCleanedUp(_logger, TaskArn);
        }
        if (_cleanedUp && unlisted)
        {
            foreach (var c in _containers)
            {
                _rt.MetadataTokens.TryRemove(new KeyValuePair<string, TaskManager>(c.MetadataToken, this));
            }
            _finished = true;
        }
    }

    private TimeSpan NextWake()
    {
        var now = _rt.Time.GetUtcNow();
        var next = ResyncInterval;
        if (_known == TaskStatuses.Stopped)
        {
            next = _cleanedUp || _executionStoppedAt is null
                ? Timeout.InfiniteTimeSpan
                : _executionStoppedAt.Value + _rt.Options.TaskCleanupWait - now;
        }
        foreach (var c in _containers.Where(c => c.WaitingSince is not null && c.Phase < ContainerPhase.Created))
        {
            var limit = c.Plan.Definition.StartTimeout is > 0 and var s ? TimeSpan.FromSeconds(s) : _rt.Options.DefaultStartTimeout;
            var due = c.WaitingSince!.Value + limit - now;
            if (next == Timeout.InfiniteTimeSpan || due < next)
            {
                next = due;
            }
        }
        return next == Timeout.InfiniteTimeSpan ? next : next < TimeSpan.Zero ? TimeSpan.Zero : next;
    }

    private async Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (_wake.Reader.TryRead(out _))
        {
            return;
        }
        using var timeout = delay == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(delay, _rt.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            await _wake.Reader.WaitToReadAsync(linked.Token).ConfigureAwait(false);
            _wake.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The resync timer: re-read Docker even without an event.
        }
    }

    /// <summary>Saves the task's record and queues a report, each only when it changed.</summary>
    private void SaveAndReport()
    {
        lock (_mutation)
        {
            SaveAndReportLocked();
        }
    }

    private void SaveAndReportLocked()
    {
        var report = BuildReport();
        var reportKey = JsonSerializer.Serialize(report, AgentJsonContext.Default.AgentTaskReport);
        if (reportKey != _lastReportKey)
        {
            _lastReportKey = reportKey;
            _rt.Reports.Enqueue(report);
        }
        var saveKey = StateKey();
        if (saveKey != _lastSavedKey)
        {
            _lastSavedKey = saveKey;
            var assignment = Current;
            _rt.State.PutTask(TaskArn, new TaskRecord
            {
                Assignment = assignment,
                KnownStatus = _known,
                StoppedReason = _stop?.Reason,
                StopCode = _stop?.Code,
                StopDecided = _stop is not null,
                PullStartedAt = _pullStartedAt,
                PullStoppedAt = _pullStoppedAt,
                StartedAt = _startedAt,
                ExecutionStoppedAt = _executionStoppedAt,
                CleanedUp = _cleanedUp,
                Containers = _containers.Select(c => new ContainerRecord
                {
                    Name = c.Name,
                    RuntimeId = c.RuntimeId,
                    DockerName = c.DockerName,
                    MetadataToken = c.MetadataToken,
                    Phase = c.Phase.ToString(),
                    EverStarted = c.EverStarted,
                    ExitCode = c.ExitCode,
                    Reason = c.Reason,
                }).ToList(),
            });
        }
    }

    private AgentTaskReport BuildReport() => new()
    {
        ContainerInstanceArn = "",
        TaskArn = TaskArn,
        LastStatus = _known,
        StoppedReason = _known == TaskStatuses.Stopped ? _stop?.Reason : null,
        StopCode = _known == TaskStatuses.Stopped ? _stop?.Code : null,
        PullStartedAt = _pullStartedAt,
        PullStoppedAt = _pullStoppedAt,
        StartedAt = _startedAt,
        ExecutionStoppedAt = _executionStoppedAt,
        Containers = _containers.Select(c => new ContainerReport
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

    /// <summary>Everything a step can change, as one comparable string.</summary>
    private string StateKey() => string.Join('|',
        _known, _stop?.Code, _stop?.Reason, _cleanedUp, _finished, _pullStartedAt, _pullStoppedAt,
        string.Join(';', _containers.Select(c => string.Join(',', c.Phase, c.RuntimeId, c.EverStarted, c.ExitCode, c.Reason, c.Health,
            string.Join(' ', c.NetworkBindings.Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.BindIP}:{b.HostPort}->{b.ContainerPort}/{b.Protocol}")))))));

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

    private void PublishView()
    {
        var assignment = Current;
        lock (_mutation)
        {
            PublishViewLocked(assignment);
        }
    }

    private void PublishViewLocked(TaskAssignment assignment)
    {
        _view = new TaskView(assignment, _known, assignment.Task.DesiredStatus ?? TaskStatuses.Running,
            _pullStartedAt, _pullStoppedAt, _executionStoppedAt,
            _containers.Select(c => new ContainerView(c.Name, c.MetadataToken, c.RuntimeId, c.DockerName, c.Status, c.ExitCode,
                c.Health, c.NetworkBindings, c.Observation, c.Plan.Definition)).ToList());
    }

    private sealed record StopDecision(string? Reason, string? Code);

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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Container {ContainerName} of task {TaskArn} started: image {ImageMs} ms, create {CreateMs} ms, start {StartMs} ms")]
    private static partial void LogBroughtUp(ILogger logger, string containerName, string taskArn, double imageMs, double createMs, double startMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping container {ContainerName} of task {TaskArn} (timeout {TimeoutSeconds} s)")]
    private static partial void LogStopping(ILogger logger, string taskArn, string containerName, double timeoutSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Adopted {Count} container(s) of task {TaskArn} (known status {KnownStatus})")]
    private static partial void LogAdopted(ILogger logger, string taskArn, int count, string knownStatus);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Container {ContainerName} of task {TaskArn} was not in the state file; adopted {ContainerId} by its labels")]
    private static partial void LogAdoptedUnrecorded(ILogger logger, string taskArn, string containerName, string containerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Container {ContainerName} ({ContainerId}) of task {TaskArn} no longer exists in Docker")]
    private static partial void LogVanished(ILogger logger, string taskArn, string containerName, string containerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed the containers and volumes of task {TaskArn}")]
    private static partial void LogCleanedUp(ILogger logger, string taskArn);
}
