using Berth.Core.Elb;
using Berth.Core.Tasks;

namespace Berth.Core.Services;

/// <summary>
/// How tasks of a service with load balancers enter and leave their target groups, after the schedulers chose what
/// to stop. ECS's task lifecycle behind a load balancer is RUNNING → DEACTIVATING → STOPPING → … → STOPPED: a task is
/// registered as a target once RUNNING; a RUNNING task the scheduler stops is first deregistered and stays
/// DEACTIVATING while its targets drain (the group's deregistration_delay.timeout_seconds, so requests in flight
/// finish); it is stopped only when no target group has it registered any more ("Task lifecycle", developer guide).
/// </summary>
internal static class TargetLifecycle
{
    public sealed record Outcome(
        IReadOnlyList<TaskStop> Stops,
        IReadOnlyList<TaskStop> Deactivations,
        IReadOnlyList<TargetChange> Registrations,
        IReadOnlyList<TargetChange> Deregistrations);

    public static Outcome Apply(IReadOnlyList<ServiceTask> tasks, IReadOnlyList<TaskStop> chosen)
    {
        var byArn = tasks.ToDictionary(t => t.TaskArn, StringComparer.Ordinal);
        var stops = new List<TaskStop>();
        var deactivations = new List<TaskStop>();
        foreach (var stop in chosen)
        {
            var task = byArn[stop.TaskArn];
            (ServiceTaskState.IsRunning(task) && task.Targets.Any(t => t.IsRegistered) ? deactivations : stops).Add(stop);
        }
        // A DEACTIVATING task whose targets all finished draining goes on to STOPPING; its reason was given when it
        // was deactivated.
        stops.AddRange(tasks
            .Where(t => t.LastStatus == TaskStatuses.Deactivating && !t.Targets.Any(x => x.IsRegistered))
            .Select(t => new TaskStop(t.TaskArn, t.StoppedReason ?? "")));

        var leaving = chosen.Select(s => s.TaskArn).ToHashSet(StringComparer.Ordinal);
        var staying = tasks.Where(t => ServiceTaskState.IsRunning(t) && !leaving.Contains(t.TaskArn)).ToList();
        var registrations = staying
            .SelectMany(t => t.Targets.Where(x => x.HasAddress && !x.IsRegistered).Select(x => Change(t, x)))
            .ToList();

        // An address a task that stays still uses (an awsvpc address handed to a new task, say) is not deregistered.
        var kept = staying.SelectMany(t => t.Targets.Where(x => x.HasAddress).Select(x => (x.TargetGroupArn, x.TargetId, x.Port))).ToHashSet();
        var deactivated = deactivations.Select(s => s.TaskArn).ToHashSet(StringComparer.Ordinal);
        var deregistrations = tasks
            .Where(t => deactivated.Contains(t.TaskArn) || !ServiceTaskState.IsActive(t))
            .SelectMany(t => t.Targets
                .Where(x => x.HasAddress && x.IsRegistered && x.State != TargetHealthStates.Draining && !kept.Contains((x.TargetGroupArn, x.TargetId, x.Port)))
                .Select(x => Change(t, x)))
            .DistinctBy(c => (c.TargetGroupArn, c.TargetId, c.Port))
            .ToList();
        return new Outcome(stops, deactivations, registrations, deregistrations);
    }

    private static TargetChange Change(ServiceTask task, TaskTarget target) =>
        new(target.TargetGroupArn, task.TaskArn, target.TargetId!, target.Port!.Value);
}
