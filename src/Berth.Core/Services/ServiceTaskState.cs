using Berth.Core.Elb;
using Berth.Core.Tasks;

namespace Berth.Core.Services;

/// <summary>
/// How the service scheduler reads one task: whether it still counts, whether it is healthy, whether it failed.
/// Every rule the planner applies to a single task lives here so the deciding code reads as counting.
/// </summary>
internal static class ServiceTaskState
{
    public const string Healthy = "HEALTHY";
    public const string Unhealthy = "UNHEALTHY";

    public const string StopCodeTaskFailedToStart = "TaskFailedToStart";
    public const string StopCodeServiceSchedulerInitiated = "ServiceSchedulerInitiated";
    public const string StopCodeUserInitiated = "UserInitiated";

    /// <summary>ECS's stoppedReason when the scheduler replaces a task whose container health check failed.</summary>
    public const string FailedHealthChecksReason = "Task failed container health checks";

    private const string FailedElbHealthChecksPrefix = "Task failed ELB health checks in";

    private const string ScalingActivityPrefix = "Scaling activity initiated by";

    /// <summary>
    /// ECS (DeploymentConfiguration.minimumHealthyPercent): a task with no container health check is counted
    /// towards the minimum healthy total 40 seconds after it reaches RUNNING.
    /// </summary>
    public static readonly TimeSpan WarmUpWithoutHealthCheck = TimeSpan.FromSeconds(40);

    public static bool IsStopped(ServiceTask task) => task.LastStatus == TaskStatuses.Stopped;

    /// <summary>
    /// Wanted by the scheduler and on its way up or up: desired RUNNING, known PENDING…RUNNING. A task the
    /// scheduler (or anyone) asked to stop still holds capacity but no longer counts for its deployment.
    /// </summary>
    public static bool IsActive(ServiceTask task) =>
        task.DesiredStatus != TaskStatuses.Stopped
        && (task.LastStatus == TaskStatuses.Running || TaskStatuses.IsPending(task.LastStatus));

    public static bool IsRunning(ServiceTask task) => IsActive(task) && task.LastStatus == TaskStatuses.Running;

    /// <summary>ECS's stoppedReason when the scheduler replaces a task whose target failed a target group's health checks.</summary>
    public static string FailedElbHealthChecksReason(string targetGroupArn) => $"{FailedElbHealthChecksPrefix} (target-group {targetGroupArn})";

    /// <summary>
    /// Counts towards minimumHealthyPercent: RUNNING and either HEALTHY (container health check) or, without a
    /// health check, RUNNING for at least 40 seconds (ECS DeploymentConfiguration documentation). Behind load
    /// balancers the scheduler instead waits for the target to be healthy in every target group, and for the
    /// container health check as well when there is one ("If a task has an essential container with a health check
    /// defined, the service scheduler will wait for both …").
    /// </summary>
    public static bool IsHealthy(ServiceTask task, DateTimeOffset now) =>
        IsRunning(task)
        && (task.Targets.Count > 0
            ? (!task.HasHealthCheck || task.HealthStatus == Healthy) && task.Targets.All(t => t.State == TargetHealthStates.Healthy)
            : task.HasHealthCheck
                ? task.HealthStatus == Healthy
                : task.StartedAt is { } started && now - started >= WarmUpWithoutHealthCheck);

    /// <summary>
    /// Behind load balancers, a RUNNING task that is not healthy yet but whose targets have not failed either: each is
    /// in ELB's initial checks, healthy, or about to be registered. ELB routes to it once healthy, and before that
    /// whenever no target of its group is healthy (ELB fails open to all), so it may be all that serves the service.
    /// </summary>
    public static bool IsStartingBehindLoadBalancer(ServiceTask task, DateTimeOffset now) =>
        IsRunning(task)
        && task.Targets.Count > 0
        && task.Targets.All(t => t.State is null or TargetHealthStates.Initial or TargetHealthStates.Healthy)
        && !IsHealthy(task, now);

    /// <summary>
    /// UNHEALTHY after healthCheckGracePeriodSeconds from StartedAt: ECS ignores container and ELB health check
    /// results during the grace period, then replaces a task whose container health check failed or whose target is
    /// unhealthy in any of its target groups.
    /// </summary>
    public static bool IsUnhealthy(ServiceTask task, DateTimeOffset now, TimeSpan gracePeriod) =>
        IsRunning(task)
        && (FailsContainerHealthCheck(task) || UnhealthyTarget(task) is not null)
        && (task.StartedAt is not { } started || now - started >= gracePeriod);

    public static bool FailsContainerHealthCheck(ServiceTask task) => task.HasHealthCheck && task.HealthStatus == Unhealthy;

    /// <summary>The first target group in which the task's target is unhealthy, if any.</summary>
    public static TaskTarget? UnhealthyTarget(ServiceTask task) => task.Targets.FirstOrDefault(t => t.State == TargetHealthStates.Unhealthy);

    /// <summary>The stoppedReason for replacing an unhealthy task: its container's check first, else the target group's.</summary>
    public static string UnhealthyReason(ServiceTask task) =>
        !FailsContainerHealthCheck(task) && UnhealthyTarget(task) is { } target
            ? FailedElbHealthChecksReason(target.TargetGroupArn)
            : FailedHealthChecksReason;

    public static bool WasStoppedForHealth(ServiceTask task) =>
        task.StoppedReason?.StartsWith(FailedHealthChecksReason, StringComparison.Ordinal) == true
        || task.StoppedReason?.StartsWith(FailedElbHealthChecksPrefix, StringComparison.Ordinal) == true;

    /// <summary>Stopped on purpose — by the scheduler scaling or replacing, or by a user — not by a failure.</summary>
    public static bool WasStoppedDeliberately(ServiceTask task) =>
        !WasStoppedForHealth(task)
        && (task.StopCode is StopCodeServiceSchedulerInitiated or StopCodeUserInitiated
            || task.StoppedReason?.StartsWith(ScalingActivityPrefix, StringComparison.Ordinal) == true);

    /// <summary>
    /// Feeds the service throttle: ECS counts tasks that went from PENDING straight to STOPPED. Tasks that stop
    /// after reaching RUNNING — even an immediate non-zero exit — do not start the throttle
    /// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-throttle-logic.html).
    /// </summary>
    public static bool FailedToStart(ServiceTask task) =>
        IsStopped(task)
        && (task.StopCode == StopCodeTaskFailedToStart || (task.StartedAt is null && !WasStoppedDeliberately(task)));

    /// <summary>
    /// Feeds the circuit breaker (Deployment.failedTasks): the task did not reach RUNNING, or failed its health
    /// checks and was stopped, or stopped before it ever counted as healthy (a crash right after start).
    /// </summary>
    public static bool FailedInDeployment(ServiceTask task)
    {
        if (!IsStopped(task) || WasStoppedDeliberately(task))
        {
            return false;
        }
        if (WasStoppedForHealth(task) || task.StartedAt is null)
        {
            return true;
        }
        return task.HasHealthCheck
            ? task.HealthStatus != Healthy
            : (task.StoppedAt ?? task.StartedAt.Value) - task.StartedAt.Value < WarmUpWithoutHealthCheck;
    }

    /// <summary>The task id ECS prints in events: the last segment of the task ARN.</summary>
    public static string TaskId(string taskArn) => taskArn[(taskArn.LastIndexOf('/') + 1)..];

    /// <summary>
    /// Scale-in order: tasks that are not serving go first (pending, then running-but-not-yet-healthy), then the
    /// newest, so the long-running healthy tasks stay. Task ARN last, to be deterministic.
    /// </summary>
    public static IOrderedEnumerable<ServiceTask> InScaleInOrder(IEnumerable<ServiceTask> tasks, DateTimeOffset now) =>
        tasks.OrderBy(t => IsHealthy(t, now) ? 2 : IsRunning(t) ? 1 : 0)
            .ThenByDescending(t => t.CreatedAt)
            .ThenBy(t => t.TaskArn, StringComparer.Ordinal);
}
