using System.Security.Cryptography;
using System.Text;
using Berth.Core.Ecs;

namespace Berth.Core.Services;

/// <summary>
/// Service event messages in ECS's wording ("(service name) …", see "Amazon ECS service event messages" in the
/// developer guide), and the event log rules: newest first, at most 100 kept, a repeated message held back for
/// six hours unless its cause was resolved in between.
/// </summary>
public static class ServiceEvents
{
    /// <summary>DescribeServices shows the 100 most recent events.</summary>
    public const int MaxEvents = 100;

    /// <summary>ECS omits a duplicate message until its cause is resolved or six hours pass.</summary>
    public static readonly TimeSpan RepeatAfter = TimeSpan.FromHours(6);

    public static string Started(string serviceName, IEnumerable<string> taskArns)
    {
        var ids = taskArns.Select(ServiceTaskState.TaskId).ToList();
        return $"(service {serviceName}) has started {ids.Count} tasks: {TaskList(ids)}.";
    }

    public static string Stopped(string serviceName, IEnumerable<string> taskArns)
    {
        var ids = taskArns.Select(ServiceTaskState.TaskId).ToList();
        return $"(service {serviceName}) has stopped {ids.Count} running tasks: {TaskList(ids)}.";
    }

    /// <summary>
    /// The Availability Zone rebalancing events of "Amazon ECS Availability Zone service rebalancing service event
    /// messages": "service (web) is not AZ balanced with 2 tasks in us-east-1a and 0 in us-east-1b. AZ Rebalancing in
    /// progress." (the guide's example lists three zones; fewer or more are listed the same way).
    /// </summary>
    public static string AzNotBalanced(string serviceName, IReadOnlyList<(string Zone, int Count)> counts) =>
        $"service ({serviceName}) is not AZ balanced with {ZoneList(counts, everyTime: false)}. AZ Rebalancing in progress.";

    /// <summary>"service (web) is AZ balanced with 1 tasks in us-east-1a and 1 tasks in us-east-1b."</summary>
    public static string AzBalanced(string serviceName, IReadOnlyList<(string Zone, int Count)> counts) =>
        $"service ({serviceName}) is AZ balanced with {ZoneList(counts, everyTime: true)}.";

    /// <summary>"web has started 1 tasks in us-east-1b to AZ Rebalance: (task 1a2b…)."</summary>
    public static string AzRebalanceStarted(string serviceName, string zone, IEnumerable<string> taskArns)
    {
        var ids = taskArns.Select(ServiceTaskState.TaskId).ToList();
        return $"{serviceName} has started {ids.Count} tasks in {zone} to AZ Rebalance: {TaskList(ids)}.";
    }

    /// <summary>"web has stopped 1 running tasks in us-east-1a due to AZ rebalancing: (task 1a2b…)."</summary>
    public static string AzRebalanceStopped(string serviceName, string zone, IEnumerable<string> taskArns)
    {
        var ids = taskArns.Select(ServiceTaskState.TaskId).ToList();
        return $"{serviceName} has stopped {ids.Count} running tasks in {zone} due to AZ rebalancing: {TaskList(ids)}.";
    }

    /// <summary>A task the rebalancing could not place in its zone: "service (web) is unable to place a task in us-east-1b because no container instance met all of its requirements."</summary>
    public static string AzUnableToPlace(string serviceName, string zone) =>
        $"service ({serviceName}) is unable to place a task in {zone} because no container instance met all of its requirements.";

    public static string SteadyState(string serviceName) => $"(service {serviceName}) has reached a steady state.";

    /// <summary>Berth's own (ECS has no such event): a new deployment because secrets the tasks read have new versions.</summary>
    public static string SecretsChanged(string serviceName, IEnumerable<string> valueFroms) =>
        $"(service {serviceName}) has started a new deployment because secret {string.Join(", ", valueFroms)} changed.";

    public static string DeploymentCompleted(string serviceName, string deploymentId) =>
        $"(service {serviceName}) (deployment {deploymentId}) deployment completed.";

    public static string DeploymentFailed(string serviceName, string deploymentId) =>
        $"(service {serviceName}) (deployment {deploymentId}) deployment failed: tasks failed to start.";

    /// <summary>Worded as the circuit breaker's event (the developer guide gives no message for an alarm failure).</summary>
    public static string DeploymentFailedOnAlarms(string serviceName, string deploymentId, IEnumerable<string> alarmNames) =>
        $"(service {serviceName}) (deployment {deploymentId}) deployment failed: alarm(s) {string.Join(", ", alarmNames)} in ALARM.";

    public static string RollingBack(string serviceName, string deploymentId) =>
        $"(service {serviceName}) rolling back to deployment {deploymentId}.";

    public static string FailedHealthChecks(string serviceName, string taskArn) =>
        $"(service {serviceName}) (task {ServiceTaskState.TaskId(taskArn)}) failed container health checks.";

    /// <summary>
    /// A task replaced because its target failed a target group's health checks, worded as in "Amazon ECS service
    /// unhealthy event messages": "(service web) (task 1a2b…) (port 80) is unhealthy in (target-group arn:…) due to
    /// (reason Health checks failed with these codes: [500])."; an instance target also names its instance.
    /// </summary>
    public static string UnhealthyInTargetGroup(string serviceName, string taskArn, TaskTarget target)
    {
        var instance = System.Net.IPAddress.TryParse(target.TargetId, out _) ? "" : $" (instance {target.TargetId})";
        var reason = target.Description ?? target.Reason ?? "unknown";
        return $"(service {serviceName}) (task {ServiceTaskState.TaskId(taskArn)}){instance} (port {target.Port}) is unhealthy in "
            + $"(target-group {target.TargetGroupArn}) due to (reason {reason}).";
    }

    public static string RegisteredTargets(string serviceName, int count, string targetGroupArn) =>
        $"(service {serviceName}) registered {count} targets in (target-group {targetGroupArn})";

    public static string DeregisteredTargets(string serviceName, int count, string targetGroupArn) =>
        $"(service {serviceName}) deregistered {count} targets in (target-group {targetGroupArn})";

    /// <summary>Written when tasks behind a load balancer go DEACTIVATING and their targets start draining.</summary>
    public static string BegunDraining(string serviceName, int taskCount) =>
        $"(service {serviceName}) has begun draining connections on {taskCount} tasks.";

    /// <summary>The service throttle's warning (developer guide, "Amazon ECS service throttle logic").</summary>
    public static string UnableToConsistentlyStart(string serviceName) =>
        $"(service {serviceName}) is unable to consistently start tasks successfully.";

    /// <summary>
    /// The placement failure the controller reports after asking the placement engine. With the closest matching
    /// instance: "… The closest matching (container-instance 3f4d…) has insufficient memory available. …"; without
    /// one the reason stands alone ("Reason: No Container Instances were found in your cluster.").
    /// </summary>
    /// <param name="failureReason">What the closest instance lacks, e.g. "has insufficient memory available",
    /// "is already using a port required by your task", "doesn't have the agent connected".</param>
    /// <param name="containerInstanceId">The closest matching instance's id (or ARN), if any.</param>
    public static string UnableToPlace(string serviceName, string failureReason, string? containerInstanceId)
    {
        var reason = failureReason.TrimEnd('.');
        var detail = containerInstanceId is null
            ? $"Reason: {reason}."
            : $"The closest matching (container-instance {ServiceTaskState.TaskId(containerInstanceId)}) {reason}.";
        return $"(service {serviceName}) was unable to place a task because no container instance met all of its requirements. {detail} "
            + "For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.";
    }

    /// <summary>
    /// The "unable to place" event for a placement failure: a failure without an instance (an empty cluster) is
    /// quoted as it is; otherwise the closest instance and what it lacks, taken from the failure's detail, which
    /// the placement engine words as "… The closest matching container-instance {id} {problem}."
    /// </summary>
    public static string UnableToPlace(string serviceName, Failure failure)
    {
        if (failure.Arn is not { } arn || failure.Detail is not { } detail)
        {
            return UnableToPlace(serviceName, failure.Reason ?? "unknown", null);
        }
        var marker = $"container-instance {ServiceTaskState.TaskId(arn)} ";
        var at = detail.IndexOf(marker, StringComparison.Ordinal);
        return UnableToPlace(serviceName, at < 0 ? failure.Reason ?? detail : detail[(at + marker.Length)..], arn);
    }

    /// <summary>
    /// Adds <paramref name="messages"/> (in the order they happened) to the front of <paramref name="existing"/>
    /// (newest first), keeping at most <see cref="MaxEvents"/>.
    /// </summary>
    public static IReadOnlyList<ServiceEvent> Prepend(
        IReadOnlyList<ServiceEvent>? existing, IReadOnlyList<string> messages, DateTimeOffset now, Func<string> newId)
    {
        if (messages.Count == 0)
        {
            return existing ?? [];
        }
        var added = messages.Select(m => new ServiceEvent { Id = newId(), CreatedAt = now, Message = m }).Reverse();
        return [.. added.Concat(existing ?? []).Take(MaxEvents)];
    }

    /// <summary>
    /// Event ids derived from a seed (service ARN and plan time) and a counter, formatted as UUIDs like ECS's:
    /// the same snapshot always yields the same ids, so plans are reproducible and a re-plan after a commit
    /// conflict does not invent different events.
    /// </summary>
    public static Func<string> DeterministicIds(string seed)
    {
        var counter = 0;
        return () =>
        {
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}#{counter++}"));
            return new Guid(hash.AsSpan(0, 16)).ToString("D");
        };
    }

    /// <summary>"2 tasks in a, 1 in b, and 0 in c" (or "… tasks in" every time), "2 tasks in a and 1 in b" for two zones.</summary>
    private static string ZoneList(IReadOnlyList<(string Zone, int Count)> counts, bool everyTime)
    {
        var parts = counts.Select((c, i) => i == 0 || everyTime ? $"{c.Count} tasks in {c.Zone}" : $"{c.Count} in {c.Zone}").ToList();
        return parts.Count switch
        {
            <= 1 => string.Concat(parts),
            2 => $"{parts[0]} and {parts[1]}",
            _ => $"{string.Join(", ", parts[..^1])}, and {parts[^1]}",
        };
    }

    private static string TaskList(IEnumerable<string> ids) => string.Join(" ", ids.Select(id => $"(task {id})"));
}
