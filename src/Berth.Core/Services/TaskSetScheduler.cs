using Berth.Core.Ecs;

namespace Berth.Core.Services;

/// <summary>
/// The scheduler of an EXTERNAL or CODE_DEPLOY service for one round, in place of <see cref="ReplicaScheduler"/>: each task set is
/// much like a deployment with a scale of its own. A live task set keeps <c>computedDesiredCount</c> tasks (its scale
/// of the service's desiredCount) — replacing any that stopped, failed their health checks or must leave a DRAINING
/// instance, and stopping its surplus newest first, passing over scale-in protected tasks. A DRAINING task set's tasks,
/// and any task of no task set, are stopped. The external controller decides how fast task sets grow and shrink (it
/// changes their scale), so maximumPercent and minimumHealthyPercent do not hold a task set back, as ECS's deployment
/// configuration applies to its own deployments.
/// </summary>
internal static class TaskSetScheduler
{
    public static (IReadOnlyList<TaskStart> Starts, StopSelection Stops) Decide(SchedulingContext context, bool startsAllowed)
    {
        var stops = new StopSelection(context);
        var live = (context.Service.TaskSets ?? []).Where(s => s.Status != TaskSetRules.Draining && s.Id is not null).ToList();
        var liveIds = live.Select(s => s.Id!).ToHashSet(StringComparer.Ordinal);
        var active = context.Tasks.Where(ServiceTaskState.IsActive).ToList();
        foreach (var task in active.Where(t => !liveIds.Contains(t.DeploymentId)
            || (context.IsOnDrainingInstance(t) && !ServiceTaskState.IsRunning(t))))
        {
            stops.Force(task, SchedulingContext.ScalingReason(task));
        }

        var starts = new List<TaskStart>();
        foreach (var taskSet in live)
        {
            var desired = TaskSetRules.ComputedDesiredCount(context.DesiredCount, taskSet.Scale);
            var mine = active.Where(t => t.DeploymentId == taskSet.Id && !stops.Contains(t)).ToList();
            foreach (var task in mine.Where(context.IsUnhealthy))
            {
                stops.StopUnhealthy(task);
            }
            // Tasks RUNNING on a DRAINING instance are replaced in the same round, as a task set has no healthy bound to keep.
            foreach (var task in mine.Where(context.IsOnDrainingInstance))
            {
                stops.Force(task, SchedulingContext.ScalingReason(task));
            }
            var kept = mine.Where(t => !stops.Contains(t)).ToList();
            var surplus = kept.Count - desired;
            foreach (var task in ServiceTaskState.InScaleInOrder(kept, context.Now).Where(t => !context.IsProtected(t)))
            {
                if (surplus <= 0)
                {
                    break;
                }
                stops.Force(task, SchedulingContext.ScalingReason(task));
                surplus--;
            }
            if (startsAllowed && desired > kept.Count)
            {
                starts.Add(new TaskStart(taskSet.Id!, taskSet.TaskDefinition ?? "", desired - kept.Count, null));
            }
        }
        return (starts, stops);
    }
}
