using Berth.Core.Ecs;

namespace Berth.Core.Services;

/// <summary>
/// Why a PRIMARY failed — the circuit breaker's or its deployment alarms' verdict —: the rolloutStateReason, the service
/// event, whether the service rolls back, and the rollback deployment's rolloutStateReason given the deployment it
/// returns to.
/// </summary>
internal sealed record DeploymentFailure(string Reason, string Event, bool RollsBack, Func<string, string> RollbackReason);

/// <summary>
/// Failing a PRIMARY and rolling it back to the most recent COMPLETED deployment, as the circuit breaker, the deployment
/// alarms and StopServiceDeployment's ROLLBACK do: a new PRIMARY with that deployment's task definition and network goes
/// first, the failed one turns ACTIVE (its tasks are replaced), and the target turns IN_PROGRESS, so it cannot be rolled
/// back to again until it completes.
/// </summary>
internal static class DeploymentRollback
{
    /// <summary>The deployment a rollback returns to: the most recent COMPLETED one after the PRIMARY, if any.</summary>
    public static Deployment? TargetOf(IReadOnlyList<Deployment> deployments) =>
        deployments.Skip(1).FirstOrDefault(d => d.RolloutState == RolloutStates.Completed);

    /// <summary>
    /// Fails the PRIMARY (FAILED, launching no more tasks) and, when the failure rolls back and a COMPLETED deployment
    /// exists, puts a new PRIMARY with that deployment's task definition first; without one the deployment is stalled, as
    /// the developer guide says. Returns the new deployment list, the events in order, and the id of the deployment rolled
    /// back to (null without a rollback).
    /// </summary>
    public static (IReadOnlyList<Deployment> Deployments, IReadOnlyList<string> Events, string? RolledBackTo) Fail(
        Service service, IReadOnlyList<Deployment> deployments, DeploymentFailure failure, string rollbackDeploymentId, DateTimeOffset now)
    {
        var failed = deployments[0] with { RolloutState = RolloutStates.Failed, RolloutStateReason = failure.Reason, UpdatedAt = now };
        var events = new List<string> { failure.Event };
        var target = TargetOf(deployments);
        if (!failure.RollsBack || target is null)
        {
            return ([failed, .. deployments.Skip(1)], events, null);
        }
        events.Add(ServiceEvents.RollingBack(service.ServiceName ?? "", target.Id ?? ""));
        return (Start([failed, .. deployments.Skip(1)], target, rollbackDeploymentId, failure.RollbackReason(target.Id ?? ""), now), events, target.Id);
    }

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
