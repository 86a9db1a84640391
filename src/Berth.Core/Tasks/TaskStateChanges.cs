using Berth.Core.Agent;
using Berth.Core.Ecs;
using Berth.Core.Networking;

namespace Berth.Core.Tasks;

/// <summary>
/// The only place a task's statuses change. Desired status moves by request (StopTask, instance loss);
/// known status moves by agent report, forward only.
/// </summary>
public static class TaskStateChanges
{
    /// <summary>
    /// StopTask: the task should stop. The first reason given wins, as in ECS, where a later StopTask on a
    /// stopping task does not rewrite why it stopped.
    /// </summary>
    /// <remarks>
    /// On a DEACTIVATING task (its targets drained) this is the next step of the lifecycle: STOPPING, which the
    /// agent then carries out.
    /// </remarks>
    public static EcsTask RequestStop(EcsTask task, string reason, string stopCode, DateTimeOffset now) =>
        task.LastStatus == TaskStatuses.Deactivating
            ? task with { LastStatus = TaskStatuses.Stopping, StoppingAt = now, Version = (task.Version ?? 0) + 1 }
            : task.DesiredStatus == TaskStatuses.Stopped
            ? task
            : task with
            {
                DesiredStatus = TaskStatuses.Stopped,
                StoppedReason = task.StoppedReason ?? reason,
                StopCode = task.StopCode ?? stopCode,
                StoppingAt = now,
                Version = (task.Version ?? 0) + 1,
            };

    /// <summary>True when <see cref="RequestStop"/> would change the task.</summary>
    public static bool CanRequestStop(EcsTask task) =>
        task.DesiredStatus != TaskStatuses.Stopped || task.LastStatus == TaskStatuses.Deactivating;

    /// <summary>
    /// A RUNNING task behind a load balancer is stopped (by the service scheduler, or by StopTask): desired STOPPED,
    /// last status DEACTIVATING while its targets drain; the containers keep running (see <see cref="ForAgent"/>) until
    /// <see cref="RequestStop"/> moves it on to STOPPING. A task already DEACTIVATING goes on draining: a second stop
    /// does not cut its requests in flight short. A task that is not RUNNING is simply asked to stop.
    /// </summary>
    public static EcsTask Deactivate(EcsTask task, string reason, string stopCode, DateTimeOffset now) =>
        task.LastStatus == TaskStatuses.Deactivating ? task
        : task.LastStatus != TaskStatuses.Running || task.DesiredStatus == TaskStatuses.Stopped
            ? RequestStop(task, reason, stopCode, now)
            : task with
            {
                LastStatus = TaskStatuses.Deactivating,
                DesiredStatus = TaskStatuses.Stopped,
                StoppedReason = task.StoppedReason ?? reason,
                StopCode = task.StopCode ?? stopCode,
                Version = (task.Version ?? 0) + 1,
            };

    /// <summary>
    /// The task as its agent is told about it: a DEACTIVATING task must keep serving the requests its draining
    /// targets still carry, so the agent hears desired RUNNING until the task moves on to STOPPING.
    /// </summary>
    public static EcsTask ForAgent(EcsTask task) =>
        task.LastStatus == TaskStatuses.Deactivating ? task with { DesiredStatus = TaskStatuses.Running } : task;

    /// <summary>
    /// A task the control plane gives up on because its instance is gone: stopped without the agent's word.
    /// ECS words this "Host EC2 (instance …) stopped/terminated"; a task that never ran failed to start, one
    /// that ran lost its host, which ECS's TerminationNotice code describes.
    /// </summary>
    public static EcsTask MarkLost(EcsTask task, string reason, DateTimeOffset now)
    {
        var neverRan = task.StartedAt is null;
        var stopping = RequestStop(task, reason, neverRan ? "TaskFailedToStart" : "TerminationNotice", now);
        return stopping with
        {
            LastStatus = TaskStatuses.Stopped,
            StoppedAt = now,
            ExecutionStoppedAt = now,
            Containers = (task.Containers ?? []).Select(c => c with
            {
                LastStatus = TaskStatuses.Stopped,
                ManagedAgents = ExecuteCommandAgent.Follow(c.ManagedAgents, TaskStatuses.Stopped, now),
            }).ToList(),
            Attachments = EniAttachment.Deleted(task.Attachments),
            Version = (stopping.Version ?? 0) + 1,
        };
    }

    /// <summary>Applies an agent's report. Returns the task unchanged when the report brings nothing new.</summary>
    public static EcsTask ApplyReport(EcsTask task, AgentTaskReport report, DateTimeOffset now)
    {
        var containers = (task.Containers ?? []).Select(c => ApplyContainer(c, report.Containers.FirstOrDefault(r => r.Name == c.Name), now)).ToList();
        var forward = TaskStatuses.IsAfter(report.LastStatus, task.LastStatus!);
        var running = forward && report.LastStatus == TaskStatuses.Running;
        var stopped = forward && report.LastStatus == TaskStatuses.Stopped;
        // One copy of the task (every report of the server comes here, and a task is a large record), each member as
        // the report moves it: a task's first RUNNING, or its STOPPED, or neither.
        var next = task with
        {
            Containers = containers,
            PullStartedAt = task.PullStartedAt ?? report.PullStartedAt,
            PullStoppedAt = task.PullStoppedAt ?? report.PullStoppedAt,
            HealthStatus = TaskHealth(containers, task.HealthStatus),
            LastStatus = forward ? report.LastStatus : task.LastStatus,
            StartedAt = running ? report.StartedAt ?? now : stopped ? task.StartedAt ?? report.StartedAt : task.StartedAt,
            Connectivity = running ? "CONNECTED" : task.Connectivity,
            ConnectivityAt = running ? now : task.ConnectivityAt,
            DesiredStatus = stopped ? TaskStatuses.Stopped : task.DesiredStatus,
            StoppedAt = stopped ? now : task.StoppedAt,
            StoppingAt = stopped ? task.StoppingAt ?? now : task.StoppingAt,
            ExecutionStoppedAt = stopped ? report.ExecutionStoppedAt ?? now : task.ExecutionStoppedAt,
            StoppedReason = stopped ? task.StoppedReason ?? report.StoppedReason : task.StoppedReason,
            StopCode = stopped ? task.StopCode ?? report.StopCode : task.StopCode,
            Attachments = stopped ? EniAttachment.Deleted(task.Attachments) : task.Attachments,
        };
        // A status that moved forward is a change; only a report that moved none needs the whole comparison.
        return !forward && Equivalent(task, next) ? task : next with { Version = (task.Version ?? 0) + 1 };
    }

    internal static Container ApplyContainer(Container container, ContainerReport? report, DateTimeOffset now)
    {
        if (report is null)
        {
            return container;
        }
        var forward = TaskStatuses.IsAfter(report.LastStatus, container.LastStatus!);
        var status = forward ? report.LastStatus : container.LastStatus;
        return container with
        {
            LastStatus = status,
            ManagedAgents = forward ? ExecuteCommandAgent.Follow(container.ManagedAgents, status, now) : container.ManagedAgents,
            RuntimeId = report.RuntimeId ?? container.RuntimeId,
            ExitCode = report.ExitCode ?? container.ExitCode,
            Reason = report.Reason ?? container.Reason,
            NetworkBindings = report.NetworkBindings is { Count: > 0 } bindings ? bindings : container.NetworkBindings,
            HealthStatus = report.HealthStatus ?? container.HealthStatus,
            ImageDigest = report.ImageDigest ?? container.ImageDigest,
        };
    }

    /// <summary>
    /// ECS derives task health from essential containers with health checks: any UNHEALTHY makes the task
    /// UNHEALTHY, all HEALTHY makes it HEALTHY; containers without checks report UNKNOWN and do not count.
    /// </summary>
    private static string? TaskHealth(IReadOnlyList<Container> containers, string? current)
    {
        var reported = containers.Select(c => c.HealthStatus).Where(h => h is "HEALTHY" or "UNHEALTHY").ToList();
        if (reported.Count == 0)
        {
            return current;
        }
        return reported.Contains("UNHEALTHY") ? "UNHEALTHY" : "HEALTHY";
    }

    private static bool Equivalent(EcsTask a, EcsTask b) => State.JsonScratch.SameJson(a, b, State.StateJsonContext.Default.EcsTask);
}
