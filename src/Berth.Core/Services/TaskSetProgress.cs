using Berth.Core.Ecs;

namespace Berth.Core.Services;

/// <summary>
/// After an EXTERNAL service's round is decided: each task set's counts as they will stand once the stops are
/// committed, its stabilityStatus, DRAINING task sets whose tasks are all gone dropped, and the service's counts as
/// the sum of its task sets'.
/// </summary>
internal static class TaskSetProgress
{
    public sealed record Outcome(IReadOnlyList<TaskSet> TaskSets, bool Steady, int Running, int Pending);

    /// <param name="deleting">The service is being deleted: every task set is DRAINING.</param>
    public static Outcome Evaluate(SchedulingContext context, IReadOnlyList<TaskStart> starts, IReadOnlyList<TaskStop> stops, bool deleting)
    {
        var stopped = stops.Select(s => s.TaskArn).ToHashSet(StringComparer.Ordinal);
        var now = context.Now;
        var taskSets = new List<TaskSet>();
        foreach (var taskSet in context.Service.TaskSets ?? [])
        {
            var status = deleting ? TaskSetRules.Draining : taskSet.Status;
            var notStopped = context.Tasks.Where(t => t.DeploymentId == taskSet.Id && !ServiceTaskState.IsStopped(t)).ToList();
            if (status == TaskSetRules.Draining && notStopped.Count == 0)
            {
                continue;
            }
            var remaining = notStopped.Where(t => ServiceTaskState.IsActive(t) && !stopped.Contains(t.TaskArn)).ToList();
            var desired = status == TaskSetRules.Draining ? 0 : TaskSetRules.ComputedDesiredCount(context.DesiredCount, taskSet.Scale);
            var running = remaining.Count(ServiceTaskState.IsRunning);
            // "STEADY_STATE: All the tasks in the task set are in a steady state: runningCount matches computedDesiredCount,
            // pendingCount is 0, no tasks on DRAINING container instances, all tasks report healthy" (ECS API reference, TaskSet).
            var steady = status != TaskSetRules.Draining
                && running == desired
                && remaining.Count == running
                && remaining.Count == notStopped.Count
                && starts.All(s => s.DeploymentId != taskSet.Id)
                && remaining.All(t => context.IsHealthy(t) && !context.IsOnDrainingInstance(t));
            var stability = steady ? TaskSetRules.SteadyState : TaskSetRules.Stabilizing;
            var updated = taskSet with
            {
                Status = status,
                ComputedDesiredCount = desired,
                RunningCount = running,
                PendingCount = remaining.Count - running,
                StabilityStatus = stability,
                StabilityStatusAt = stability == taskSet.StabilityStatus ? taskSet.StabilityStatusAt : now,
            };
            taskSets.Add(updated == taskSet ? taskSet : updated with { UpdatedAt = now });
        }
        var ids = taskSets.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var serviceSteady = !deleting
            && taskSets.Count > 0
            && taskSets.All(s => s.StabilityStatus == TaskSetRules.SteadyState)
            && context.Tasks.All(t => ServiceTaskState.IsStopped(t) || ids.Contains(t.DeploymentId));
        return new Outcome(taskSets, serviceSteady, taskSets.Sum(s => s.RunningCount ?? 0), taskSets.Sum(s => s.PendingCount ?? 0));
    }
}
