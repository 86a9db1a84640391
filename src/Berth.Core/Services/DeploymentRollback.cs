using Berth.Core.Ecs;

namespace Berth.Core.Services;

/// <summary>
/// Rolling a failed PRIMARY back to the most recent COMPLETED deployment, as the circuit breaker and
/// StopServiceDeployment's ROLLBACK do: a new PRIMARY with that deployment's task definition and network goes first,
/// the failed one turns ACTIVE (its tasks are replaced), and the target turns IN_PROGRESS, so it cannot be rolled back
/// to again until it completes.
/// </summary>
internal static class DeploymentRollback
{
    /// <summary>The deployment a rollback returns to: the most recent COMPLETED one after the PRIMARY, if any.</summary>
    public static Deployment? TargetOf(IReadOnlyList<Deployment> deployments) =>
        deployments.Skip(1).FirstOrDefault(d => d.RolloutState == RolloutStates.Completed);

    /// <param name="deployments">The PRIMARY first, already FAILED, then the older deployments.</param>
    public static IReadOnlyList<Deployment> Start(
        IReadOnlyList<Deployment> deployments, Deployment target, string rollbackDeploymentId, string reason, DateTimeOffset now)
    {
        var failed = deployments[0];
        var rollback = target with
        {
            Id = rollbackDeploymentId,
            Status = DeploymentStatuses.Primary,
            DesiredCount = failed.DesiredCount,
            PendingCount = 0,
            RunningCount = 0,
            FailedTasks = 0,
            CreatedAt = now,
            UpdatedAt = now,
            RolloutState = RolloutStates.InProgress,
            RolloutStateReason = reason,
        };
        var rest = deployments.Skip(1).Select(d => d.Id == target.Id
            ? d with { RolloutState = RolloutStates.InProgress, RolloutStateReason = ServiceRules.InProgressReason(d.Id ?? ""), UpdatedAt = now }
            : d);
        return [rollback, failed with { Status = DeploymentStatuses.Active }, .. rest];
    }
}
