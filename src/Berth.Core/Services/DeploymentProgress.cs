using Berth.Core.Ecs;

namespace Berth.Core.Services;

/// <summary>
/// After the round's starts and stops are chosen: each deployment's counts as they will stand once the stops are
/// committed, whether the PRIMARY's rollout completed, and whether the service is in a steady state.
/// </summary>
internal static class DeploymentProgress
{
    /// <param name="Settled">The PRIMARY runs its desired count, healthy, and nothing else is left (completed or not).</param>
    public sealed record Outcome(IReadOnlyList<Deployment> Deployments, bool Completed, bool Steady, bool Settled, int Running, int Pending);

    /// <param name="holdCompletion">A settled PRIMARY stays IN_PROGRESS (its deployment alarms are baking).</param>
    public static Outcome Evaluate(
        SchedulingContext context, IReadOnlyList<TaskStart> starts, IReadOnlyList<TaskStop> stops, bool serviceActive, bool holdCompletion = false)
    {
        var stopped = stops.Select(s => s.TaskArn).ToHashSet(StringComparer.Ordinal);
        var remaining = context.Tasks.Where(t => ServiceTaskState.IsActive(t) && !stopped.Contains(t.TaskArn)).ToList();
        var now = context.Now;

        var deployments = context.Deployments
            .Select((d, index) => Counted(d, [.. remaining.Where(t => t.DeploymentId == d.Id)], index == 0 ? context.DesiredCount : null, now))
            .ToList();

        var primary = context.Primary;
        var primaryTasks = remaining.Where(context.IsPrimary).ToList();
        var settled = serviceActive
            && primary is not null
            && starts.Count == 0
            && stops.Count == 0
            && primaryTasks.Count == context.DesiredCount
            && primaryTasks.All(context.IsHealthy)
            // Nothing else left: no task of another deployment, nothing still on its way to STOPPED.
            && context.Tasks.All(t => ServiceTaskState.IsStopped(t) || (ServiceTaskState.IsActive(t) && context.IsPrimary(t)));

        var completed = false;
        if (settled && !holdCompletion && primary!.RolloutState is null or RolloutStates.InProgress)
        {
            // The PRIMARY reached a steady state: COMPLETED, and the deployments it replaced are INACTIVE, which
            // DescribeServices no longer lists.
            deployments = [deployments[0] with
            {
                RolloutState = RolloutStates.Completed,
                RolloutStateReason = ServiceRules.CompletedReason(primary.Id ?? ""),
                UpdatedAt = now,
            }];
            completed = true;
        }
        var steady = settled && deployments.Count == 1 && deployments[0].RolloutState is null or RolloutStates.Completed;

        return new Outcome(
            deployments,
            completed,
            steady,
            settled,
            deployments.Sum(d => d.RunningCount ?? 0),
            deployments.Sum(d => d.PendingCount ?? 0));
    }

    /// <summary>
    /// The deployment with its counts; an older deployment's desiredCount is what it still runs. UpdatedAt moves
    /// only when something visible changed.
    /// </summary>
    private static Deployment Counted(Deployment deployment, IReadOnlyList<ServiceTask> tasks, int? desired, DateTimeOffset now)
    {
        var running = tasks.Count(ServiceTaskState.IsRunning);
        var updated = deployment with
        {
            RunningCount = running,
            PendingCount = tasks.Count - running,
            DesiredCount = desired ?? tasks.Count,
        };
        return updated == deployment ? deployment : updated with { UpdatedAt = now };
    }
}
