using Berth.Core.Ecs;

namespace Berth.Core.Services;

/// <summary>
/// The deployment circuit breaker of rolling (ECS controller) deployments, as the developer guide describes it in
/// "How the Amazon ECS deployment circuit breaker detects failures"
/// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html):
/// <list type="bullet">
/// <item>failures are tasks of the deployment that do not reach RUNNING, or fail their health checks and are
/// stopped; Deployment.failedTasks counts them consecutively and resets to zero once the deployment has a
/// successfully running task (ECS API reference, Deployment.failedTasks);</item>
/// <item>the threshold is 0.5 × desired task count rounded up, at least 3 and at most 200;</item>
/// <item>on reaching it the deployment becomes FAILED and launches no more tasks; with rollback, ECS rolls back
/// to the most recent COMPLETED deployment, which turns IN_PROGRESS and so cannot be rolled back to again until
/// it completes (<see cref="DeploymentRollback.Fail"/>). Without a COMPLETED deployment the deployment is stalled.</item>
/// </list>
/// </summary>
internal static class CircuitBreaker
{
    public const int MinimumThreshold = 3;
    public const int MaximumThreshold = 200;

    public const string FailedReason = "ECS deployment circuit breaker: tasks failed to start.";

    public static string RollbackReason(string targetDeploymentId) =>
        $"ECS deployment circuit breaker: rolling back to deploymentId {targetDeploymentId}.";

    /// <summary>Failed tasks that fail a deployment: ceil(0.5 × desired), clamped to [3, 200]. 1 → 3, 25 → 13, 800 → 200.</summary>
    public static int Threshold(int desiredCount) =>
        Math.Clamp((int)Math.Min(((long)Math.Max(0, desiredCount) + 1) / 2, MaximumThreshold), MinimumThreshold, MaximumThreshold);

    public static bool IsEnabled(Service service) =>
        service.DeploymentConfiguration?.DeploymentCircuitBreaker?.Enable == true;

    public static bool RollsBack(Service service) =>
        service.DeploymentConfiguration?.DeploymentCircuitBreaker?.Rollback == true;

    /// <summary>
    /// The PRIMARY's new failedTasks: zero while it has a healthy task, otherwise the old count plus its tasks
    /// that newly stopped as failures.
    /// </summary>
    internal static int CountFailures(
        Deployment primary, IReadOnlyList<ServiceTask> tasks, IReadOnlyList<ServiceTask> newlyStopped, DateTimeOffset now)
    {
        if (tasks.Any(t => t.DeploymentId == primary.Id && ServiceTaskState.IsHealthy(t, now)))
        {
            return 0;
        }
        return (primary.FailedTasks ?? 0)
            + newlyStopped.Count(t => t.DeploymentId == primary.Id && ServiceTaskState.FailedInDeployment(t));
    }

    /// <summary>True when the PRIMARY is IN_PROGRESS, the breaker is on, and failedTasks reached the threshold.</summary>
    internal static bool Trips(Service service, Deployment primary, int desiredCount) =>
        IsEnabled(service)
        && primary.RolloutState == RolloutStates.InProgress
        && (primary.FailedTasks ?? 0) >= Threshold(desiredCount);

    /// <summary>The breaker's verdict on the PRIMARY: "tasks failed to start", rolled back when rollback is on.</summary>
    internal static DeploymentFailure Failure(Service service, string deploymentId) => new(
        FailedReason, ServiceEvents.DeploymentFailed(service.ServiceName ?? "", deploymentId), RollsBack(service), RollbackReason);
}
