namespace Berth.Core.Services;

/// <summary>
/// The DAEMON strategy for one round: exactly one task of the PRIMARY deployment on each ACTIVE container
/// instance whose agent is connected, none on instances that are DRAINING (or otherwise leaving). A rolling
/// update replaces an instance's old task with the new one; with maximumPercent fixed at 100% the old task must
/// stop before the new one starts there, as far as minimumHealthyPercent (default 0%) allows.
/// Tasks on instances the snapshot does not list are left alone: the controller may pass only the instances the
/// service's placement constraints admit, and ECS reports rather than stops a daemon task that no longer fits.
/// </summary>
internal static class DaemonScheduler
{
    /// <summary>The instances a daemon service wants a task on: ACTIVE with a connected agent.</summary>
    public static IReadOnlyList<ServiceInstance> EligibleInstances(IReadOnlyList<ServiceInstance> instances) =>
        [.. instances
            .Where(i => i.Status == InstanceStatuses.Active && i.AgentConnected)
            .OrderBy(i => i.ContainerInstanceArn, StringComparer.Ordinal)];

    public static (IReadOnlyList<TaskStart> Starts, StopSelection Stops) Decide(SchedulingContext context)
    {
        var stops = new StopSelection(context);
        var starts = new List<TaskStart>();
        var active = context.Tasks.Where(ServiceTaskState.IsActive).ToList();

        // Instances that are leaving (DRAINING, deregistering) keep no daemon task.
        foreach (var task in active.Where(t => context.InstanceStatus(t.ContainerInstanceArn) is { } s && s != InstanceStatuses.Active))
        {
            stops.Force(task, SchedulingContext.ScalingReason(task));
        }

        foreach (var instance in EligibleInstances(context.Instances))
        {
            var here = context.Tasks
                .Where(t => t.ContainerInstanceArn == instance.ContainerInstanceArn && !ServiceTaskState.IsStopped(t))
                .ToList();
            var current = here
                .Where(t => ServiceTaskState.IsActive(t) && context.IsPrimary(t) && !context.IsUnhealthy(t))
                .ToList();

            // One per instance: extras go, the least established first.
            foreach (var extra in ServiceTaskState.InScaleInOrder(current, context.Now).Take(current.Count - 1))
            {
                stops.TryStop(extra, SchedulingContext.ScalingReason(extra));
            }

            foreach (var unhealthy in here.Where(context.IsUnhealthy))
            {
                stops.StopUnhealthy(unhealthy);
            }

            if (!context.PrimaryLaunches)
            {
                continue;
            }
            foreach (var old in here.Where(t => ServiceTaskState.IsActive(t) && !context.IsPrimary(t)))
            {
                stops.TryStop(old, SchedulingContext.ScalingReason(old));
            }
            // The instance must be empty before its new task starts; a task stopped this round still holds it.
            if (context.StartsAllowed && here.Count == 0)
            {
                starts.Add(new TaskStart(context.Primary!.Id!, context.Primary.TaskDefinition ?? "", 1, instance.ContainerInstanceArn));
            }
        }
        return (starts, stops);
    }
}
