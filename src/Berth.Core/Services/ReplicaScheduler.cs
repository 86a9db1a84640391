namespace Berth.Core.Services;

/// <summary>
/// The REPLICA strategy for one round: keep desiredCount tasks of the PRIMARY deployment, replacing any that
/// stopped, drain older deployments in a rolling update, move tasks off DRAINING instances, replace unhealthy
/// tasks, and scale in — always within maximumPercent (tasks RUNNING or PENDING, counted before this round's
/// stops take effect) and minimumHealthyPercent (see <see cref="StopSelection"/>).
/// </summary>
internal static class ReplicaScheduler
{
    public static (IReadOnlyList<TaskStart> Starts, StopSelection Stops) Decide(SchedulingContext context)
    {
        var stops = new StopSelection(context);
        var active = context.Tasks.Where(ServiceTaskState.IsActive).ToList();
        var occupying = context.Tasks.Count(t => !ServiceTaskState.IsStopped(t));

        // ECS container instance draining: service tasks still PENDING on a DRAINING instance stop at once.
        foreach (var task in active.Where(t => context.IsOnDrainingInstance(t) && !ServiceTaskState.IsRunning(t)))
        {
            stops.Force(task, SchedulingContext.ScalingReason(task));
        }

        // What the PRIMARY can count on: its tasks that are neither leaving an instance nor failing health checks.
        var primaryKept = active
            .Where(t => context.IsPrimary(t) && !stops.Contains(t) && !context.IsOnDrainingInstance(t) && !context.IsUnhealthy(t))
            .ToList();
        var headroom = context.HoldsOldDeployments ? context.DesiredCount : context.Bounds.MaximumTasks - occupying;
        var startCount = context.StartsAllowed ? Math.Clamp(context.DesiredCount - primaryKept.Count, 0, Math.Max(0, headroom)) : 0;

        StopUnhealthy(context, stops, active, primaryKept, headroom);
        ScaleIn(context, stops, primaryKept);

        // Tasks RUNNING on a DRAINING instance are replaced first and stopped as minimumHealthyPercent allows.
        foreach (var task in active.Where(context.IsOnDrainingInstance))
        {
            stops.TryStop(task, SchedulingContext.ScalingReason(task));
        }

        if (context.PrimaryLaunches && !context.HoldsOldDeployments)
        {
            DrainOldDeployments(context, stops, active);
        }

        IReadOnlyList<TaskStart> starts = startCount > 0
            ? [new TaskStart(context.Primary!.Id!, context.Primary.TaskDefinition ?? "", startCount, null)]
            : [];
        return (starts, stops);
    }

    /// <summary>
    /// ECS starts a replacement for each unhealthy task and stops the unhealthy one once the replacement is healthy;
    /// when maximumPercent leaves no room for a replacement, it stops unhealthy tasks one at a time instead
    /// (ECS API reference, DeploymentConfiguration.maximumPercent; "Amazon ECS services", task replacement).
    /// Unhealthy tasks of older deployments need no replacement of their own.
    /// </summary>
    private static void StopUnhealthy(
        SchedulingContext context, StopSelection stops, IReadOnlyList<ServiceTask> active, IReadOnlyList<ServiceTask> primaryKept, int headroom)
    {
        var replacementsHealthy = primaryKept.Count(context.IsHealthy) >= context.DesiredCount;
        var oneForRoom = headroom <= 0;
        foreach (var task in active.Where(t => context.IsUnhealthy(t) && !stops.Contains(t)).OrderBy(t => t.TaskArn, StringComparer.Ordinal))
        {
            if (!context.IsPrimary(task) || replacementsHealthy || !context.PrimaryLaunches)
            {
                stops.StopUnhealthy(task);
            }
            else if (oneForRoom)
            {
                stops.StopUnhealthy(task);
                oneForRoom = false;
            }
        }
    }

    /// <summary>
    /// Desired count lowered (or an AZ rebalancing start to take back): stop the PRIMARY's surplus, newest and least
    /// healthy first, passing over protected tasks — from the fullest zone first when the service balances its zones.
    /// </summary>
    private static void ScaleIn(SchedulingContext context, StopSelection stops, IReadOnlyList<ServiceTask> primaryKept)
    {
        var surplus = primaryKept.Count - context.DesiredCount;
        if (context.BalancesZones)
        {
            AzRebalancing.ScaleIn(context, stops, primaryKept, surplus);
            return;
        }
        foreach (var task in ServiceTaskState.InScaleInOrder(primaryKept, context.Now))
        {
            if (surplus <= 0)
            {
                break;
            }
            if (stops.TryRetire(task, SchedulingContext.ScalingReason(task)))
            {
                surplus--;
            }
        }
    }

    /// <summary>
    /// Rolling update: tasks of older deployments go as the healthy bound allows — those not serving first, then a
    /// FAILED deployment's (after a rollback the failed tasks go, not those of the deployment rolled back to, which a
    /// blue/green rollback sends traffic back to), then the oldest deployment's, newest task first. The PRIMARY grows
    /// into the room this frees on later rounds.
    /// </summary>
    private static void DrainOldDeployments(SchedulingContext context, StopSelection stops, IReadOnlyList<ServiceTask> active)
    {
        var age = context.Deployments
            .Select((d, index) => (d.Id, index))
            .Where(x => x.Id is not null)
            .ToDictionary(x => x.Id!, x => x.index, StringComparer.Ordinal);
        var failed = context.Deployments
            .Where(d => d.RolloutState == RolloutStates.Failed && d.Id is not null)
            .Select(d => d.Id!)
            .ToHashSet(StringComparer.Ordinal);
        var old = active
            .Where(t => !context.IsPrimary(t) && !stops.Contains(t))
            .OrderBy(t => context.IsHealthy(t) ? 1 : 0)
            .ThenBy(t => failed.Contains(t.DeploymentId) ? 0 : 1)
            .ThenByDescending(t => age.GetValueOrDefault(t.DeploymentId, int.MaxValue))
            .ThenByDescending(t => t.CreatedAt)
            .ThenBy(t => t.TaskArn, StringComparer.Ordinal);
        foreach (var task in old)
        {
            stops.TryRetire(task, SchedulingContext.ScalingReason(task));
        }
    }
}
