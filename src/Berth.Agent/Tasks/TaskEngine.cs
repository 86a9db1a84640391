using System.Collections.Concurrent;
using Berth.Agent.Docker;
using Berth.Agent.Networking;
using Berth.Agent.State;
using Berth.Core.Agent;
using Berth.Core.Tasks;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace Berth.Agent.Tasks;

/// <summary>
/// Keeps one <see cref="TaskManager"/> per task the instance should know about: starts managers for new
/// assignments, passes on desired-status changes and Docker events, retires tasks the server stops listing, and
/// removes containers of this agent that belong to no known task.
/// </summary>
internal sealed partial class TaskEngine(AgentRuntime runtime)
{
    private readonly ConcurrentDictionary<string, Running> _tasks = new(StringComparer.Ordinal);
    private readonly ILogger _logger = runtime.LoggerFactory.CreateLogger<TaskEngine>();
    private readonly CancellationTokenSource _stopping = new();

    // Until the first reconcile, a listed task may have containers from before a restart that the state file
    // missed; after it, a new assignment cannot, so its manager skips the Docker lookup (RunTask latency).
    private bool _reconciledOnce;

    public TaskManager? Find(string taskArn) => _tasks.TryGetValue(taskArn, out var running) ? running.Manager : null;

    public IReadOnlyCollection<string> TaskArns => _tasks.Keys.ToList();

    /// <summary>Picks up the tasks of the state file: their containers keep running and are adopted, not restarted.</summary>
    public void Resume(AgentStateDocument state)
    {
        foreach (var (taskArn, record) in state.Tasks)
        {
            Start(taskArn, record.Assignment, record, adopt: true);
        }
    }

    /// <summary>Makes the set of managed tasks match the server's list.</summary>
    public void Reconcile(IReadOnlyList<TaskAssignment> assignments)
    {
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var assignment in assignments)
        {
            if (assignment.Task.TaskArn is not { } taskArn)
            {
                continue;
            }
            listed.Add(taskArn);
            if (_tasks.TryGetValue(taskArn, out var running))
            {
                running.Manager.Update(assignment);
            }
            else if (runtime.State.IsFinished(taskArn))
            {
                LogIgnoredFinished(_logger, taskArn);
            }
            else
            {
                Start(taskArn, assignment, null, adopt: !_reconciledOnce);
            }
        }
        foreach (var (taskArn, running) in _tasks)
        {
            if (!listed.Contains(taskArn))
            {
                running.Manager.Unlist();
            }
        }
        _reconciledOnce = true;
    }

    /// <summary>Routes a Docker container event to the task it belongs to (by label).</summary>
    public void OnDockerEvent(Message message)
    {
        if (message.Actor?.Attributes is { } attributes
            && attributes.TryGetValue(DockerLabels.TaskArn, out var taskArn)
            && _tasks.TryGetValue(taskArn, out var running))
        {
            running.Manager.Poke();
        }
    }

    /// <summary>After a gap in Docker events: every task re-reads its containers.</summary>
    public void PokeAll()
    {
        foreach (var running in _tasks.Values)
        {
            running.Manager.Poke();
        }
    }

    /// <summary>
    /// Stops and removes containers (and task volumes) that carry this agent's namespace but belong to no task
    /// it manages: left over from tasks the server no longer lists while the agent was down. A pooled pause container
    /// belongs to the pool while it waits there, and to the task that took it from then on.
    /// </summary>
    public async Task RemoveOrphansAsync(CancellationToken cancellationToken)
    {
        var labels = new Dictionary<string, string> { [DockerLabels.AgentNamespace] = runtime.AgentNamespace };
        var containers = await runtime.Docker.ListContainersAsync(labels, cancellationToken).ConfigureAwait(false);
        // A pooled pause container a task took: joined by the task's containers, or (before they exist) its manager's.
        var taken = containers.Where(c => ContainerLabels.TaskArnOf(c) is { } arn && _tasks.ContainsKey(arn)).Select(TaskSandbox.JoinedContainerOf)
            .Concat(_tasks.Values.Select(t => t.Manager.PauseContainerId))
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        foreach (var container in containers)
        {
            var taskArn = ContainerLabels.TaskArnOf(container);
            if ((taskArn is not null && _tasks.ContainsKey(taskArn)) || taken.Contains(container.ID) || runtime.PausePool.Owns(container.ID))
            {
                continue;
            }
            LogOrphan(_logger, container.ID, container.Names?.FirstOrDefault() ?? "", taskArn ?? "(none)");
            if (container.State == "running")
            {
                await runtime.Docker.StopContainerAsync(container.ID, runtime.Options.DefaultStopTimeout, cancellationToken).ConfigureAwait(false);
            }
            await runtime.Docker.RemoveContainerAsync(container.ID, cancellationToken).ConfigureAwait(false);
        }
        foreach (var (volume, volumeLabels) in await runtime.Docker.ListVolumesAsync(labels, cancellationToken).ConfigureAwait(false))
        {
            if (!(volumeLabels.TryGetValue(DockerLabels.TaskArn, out var taskArn) && _tasks.ContainsKey(taskArn)))
            {
                await runtime.Docker.RemoveVolumeAsync(volume, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void Start(string taskArn, TaskAssignment assignment, TaskRecord? saved, bool adopt)
    {
        var manager = new TaskManager(runtime, assignment, saved, adopt);
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Running running = new(manager, Task.Run(async () =>
        {
            await go.Task.ConfigureAwait(false);
            await manager.RunAsync(_stopping.Token).ConfigureAwait(false);
            if (!_stopping.IsCancellationRequested)
            {
                // Finished with: stopped, cleaned up and no longer listed.
                _tasks.TryRemove(taskArn, out _);
                runtime.State.FinishTask(taskArn, runtime.Time.GetUtcNow());
            }
        }));
        if (!_tasks.TryAdd(taskArn, running))
        {
            go.SetCanceled();
            return;
        }
        LogStarted(_logger, taskArn, assignment.Task.DesiredStatus ?? TaskStatuses.Running, saved is not null);
        go.SetResult();
    }

    /// <summary>Stops managing (the agent is shutting down); containers keep running and are adopted at the next start.</summary>
    public async Task ShutdownAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var running in _tasks.Values)
        {
            try
            {
                await running.Completion.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private sealed record Running(TaskManager Manager, Task Completion);

    [LoggerMessage(Level = LogLevel.Information, Message = "Managing task {TaskArn} (desired {DesiredStatus}, resumed from state: {Resumed})")]
    private static partial void LogStarted(ILogger logger, string taskArn, string desiredStatus, bool resumed);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ignoring assignment of task {TaskArn}: this instance already finished it")]
    private static partial void LogIgnoredFinished(ILogger logger, string taskArn);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removing container {ContainerId} ({DockerName}) of task {TaskArn}, which the server no longer lists")]
    private static partial void LogOrphan(ILogger logger, string containerId, string dockerName, string taskArn);
}
