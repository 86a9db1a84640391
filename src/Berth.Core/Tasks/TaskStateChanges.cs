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
        var next = task with
        {
            Containers = containers,
            PullStartedAt = task.PullStartedAt ?? report.PullStartedAt,
            PullStoppedAt = task.PullStoppedAt ?? report.PullStoppedAt,
            HealthStatus = TaskHealth(containers, task.HealthStatus),
        };
        if (TaskStatuses.IsAfter(report.LastStatus, task.LastStatus!))
        {
            next = next with { LastStatus = report.LastStatus };
            if (report.LastStatus == TaskStatuses.Running)
            {
                next = next with { StartedAt = report.StartedAt ?? now, Connectivity = "CONNECTED", ConnectivityAt = now };
            }
            if (report.LastStatus == TaskStatuses.Stopped)
            {
                next = next with
                {
                    DesiredStatus = TaskStatuses.Stopped,
                    StartedAt = task.StartedAt ?? report.StartedAt,
                    StoppedAt = now,
                    StoppingAt = task.StoppingAt ?? now,
                    ExecutionStoppedAt = report.ExecutionStoppedAt ?? now,
                    StoppedReason = task.StoppedReason ?? report.StoppedReason,
                    StopCode = task.StopCode ?? report.StopCode,
                    Attachments = EniAttachment.Deleted(task.Attachments),
                };
            }
        }
        return Equivalent(task, next) ? task : next with { Version = (task.Version ?? 0) + 1 };
    }

    private static Container ApplyContainer(Container container, ContainerReport? report, DateTimeOffset now)
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
