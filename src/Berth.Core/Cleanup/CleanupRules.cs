using System.Globalization;
using Berth.Core.Agent;
using Berth.Core.Ecs;
using Berth.Core.Services;

namespace Berth.Core.Cleanup;

/// <summary>
/// What counts as left over, given a <see cref="CleanupSnapshot"/> and a clock (docs/cost.md, "Clean-up"). Pure: the
/// server reads the snapshot, these rules decide, and <c>--apply</c> runs each leftover's <see cref="Leftover.Action"/>
/// through the API's own operations.
/// </summary>
public static class CleanupRules
{
    public static IReadOnlyList<Leftover> Find(CleanupSnapshot snapshot, DateTimeOffset now, CleanupPolicy policy)
    {
        // A target group a live service forwards to fills as its tasks start: empty now is not left over.
        var served = snapshot.Services
            .Where(s => s.Status == ServiceStatuses.Active && s.DesiredCount > 0)
            .SelectMany(s => s.LoadBalancers ?? []).Select(l => l.TargetGroupArn).OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        return
        [
            .. IdleServices(snapshot.Services, now, policy),
            .. InactiveRevisions(snapshot.TaskDefinitions),
            .. EmptyLoadBalancers(snapshot, served, now),
            .. EmptyTargetGroups(snapshot.TargetGroups, served, now),
            .. UnboundedLogGroups(snapshot.LogGroups, policy),
            .. IdleInstances(snapshot.Instances, now),
            .. UnknownContainers(snapshot),
        ];
    }

    /// <summary>
    /// ACTIVE services at desired count 0 since at least <see cref="CleanupPolicy.IdleDays"/>: since their last
    /// change (the newest deployment's <c>updatedAt</c>, else <c>createdAt</c>), which a scale-in to 0 is.
    /// </summary>
    private static IEnumerable<Leftover> IdleServices(IReadOnlyList<Service> services, DateTimeOffset now, CleanupPolicy policy) =>
        from s in services
        where s.Status == ServiceStatuses.Active && s.DesiredCount == 0 && s.RunningCount is null or 0
        let since = (s.Deployments ?? []).Select(d => d.UpdatedAt ?? d.CreatedAt).Append(s.CreatedAt).Max()
        where since is null || now - since >= TimeSpan.FromDays(policy.IdleDays)
        orderby s.ServiceArn
        select new Leftover(LeftoverKinds.Service, s.ServiceArn!,
            $"desired count 0 since {(since is { } t ? t.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "its creation")}"
            + $" ({policy.IdleDays} days or more)",
            null, "DeleteService: its configuration and events go; CreateService makes it again");

    private static IEnumerable<Leftover> InactiveRevisions(IReadOnlyList<TaskDefinition> definitions) =>
        from d in definitions
        where d.Status == "INACTIVE"
        orderby d.Family, d.Revision
        select new Leftover(LeftoverKinds.TaskDefinition, d.TaskDefinitionArn!,
            "INACTIVE (deregistered): no new task or service can use it",
            null, "DeleteTaskDefinitions: the revision is gone for good (its number is never reused)");

    /// <summary>Load balancers none of whose target groups has a target (or that forward nowhere), and no live service fills.</summary>
    private static IEnumerable<Leftover> EmptyLoadBalancers(CleanupSnapshot snapshot, IReadOnlySet<string> served, DateTimeOffset now)
    {
        var groupsOf = snapshot.TargetGroups
            .SelectMany(g => (g.TargetGroup.LoadBalancerArns ?? []).Select(b => (Balancer: b, Group: g)))
            .ToLookup(p => p.Balancer, p => p.Group, StringComparer.Ordinal);
        return
            from b in snapshot.LoadBalancers
            let groups = groupsOf[b.LoadBalancerArn!].ToList()
            where groups.All(g => IsEmpty(g, now) && !served.Contains(g.TargetGroup.TargetGroupArn!))
            orderby b.LoadBalancerArn
            select new Leftover(LeftoverKinds.LoadBalancer, b.LoadBalancerArn!,
                groups.Count == 0 ? "forwards to no target group" : $"none of its {groups.Count} target group(s) has a registered target",
                null, "DeleteLoadBalancer (with its listeners and rules): its DNS name and ports are released; a new one gets another name");
    }

    /// <summary>
    /// Target groups without a registered target that no live service fills. One a load balancer still forwards to
    /// is reported, not deleted: ELB refuses that (ResourceInUse), so its load balancer or listener goes first.
    /// </summary>
    private static IEnumerable<Leftover> EmptyTargetGroups(IReadOnlyList<Elb.TargetGroupRecord> groups, IReadOnlySet<string> served, DateTimeOffset now) =>
        from g in groups
        let arn = g.TargetGroup.TargetGroupArn!
        where IsEmpty(g, now) && !served.Contains(arn)
        let balancers = g.TargetGroup.LoadBalancerArns ?? []
        orderby arn
        select balancers.Count == 0
            ? new Leftover(LeftoverKinds.TargetGroup, arn, "no registered targets and no load balancer forwards to it",
                null, "DeleteTargetGroup: its settings and health check go; CreateTargetGroup makes another (a new ARN)")
            : new Leftover(LeftoverKinds.TargetGroup, arn,
                $"no registered targets; still used by {string.Join(", ", balancers)}: delete that listener or load balancer first",
                null, null);

    /// <summary>No target registered now: one whose deregistration delay has run out is gone.</summary>
    private static bool IsEmpty(Elb.TargetGroupRecord group, DateTimeOffset now) => !group.Targets.Any(t => t.IsRegisteredAt(now));

    private static IEnumerable<Leftover> UnboundedLogGroups(IReadOnlyList<CleanupLogGroup> groups, CleanupPolicy policy) =>
        from g in groups
        where g.RetentionInDays is null
        orderby g.Name
        select new Leftover(LeftoverKinds.LogGroup, g.Name, "no retention: its events are kept for ever",
            g.StoredBytes, $"PutRetentionPolicy {policy.RetentionDays} days: events older than that are deleted and cannot be read again");

    /// <summary>
    /// Instances whose agent is disconnected, and DRAINING instances with no task left. (A deregistered instance is
    /// forgotten at once, so there are no INACTIVE ones to report.)
    /// </summary>
    private static IEnumerable<Leftover> IdleInstances(IReadOnlyList<CleanupInstance> instances, DateTimeOffset now) =>
        from i in instances
        let disconnected = !i.AgentConnected
        where disconnected || (i.Status == "DRAINING" && i.Tasks == 0)
        orderby i.Arn
        select new Leftover(LeftoverKinds.ContainerInstance, i.Arn,
            disconnected
                ? $"agent disconnected since {i.LastHeartbeat.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} ({Math.Floor((now - i.LastHeartbeat).TotalMinutes).ToString(CultureInfo.InvariantCulture)} minutes)"
                    + (i.Tasks > 0 ? $", {i.Tasks} task(s) on it" : "")
                : "DRAINING with no task left",
            null, "DeregisterContainerInstance (force): its tasks are recorded as stopped and its agent must join again");

    /// <summary>
    /// Containers on an agent's engine that belong to no task the server knows: an earlier Berth's, another agent
    /// namespace's, or a task's this server forgot. Agents report, with every poll, the tasks with a container on their
    /// engine and what holds addresses on Berth's subnet networks; an agent removes its own namespace's orphans itself,
    /// so what stays is another's (possibly another Berth still running on the same engine), and only Docker on that
    /// host can remove it.
    /// </summary>
    private static IEnumerable<Leftover> UnknownContainers(CleanupSnapshot snapshot) =>
        from engine in snapshot.Attachments
        from task in engine.Addresses.Select(a => a.TaskArn).OfType<string>().Concat(engine.TaskArns ?? [])
            .Where(arn => !snapshot.KnownTaskArns.Contains(arn)).Distinct(StringComparer.Ordinal)
        let addresses = engine.Addresses.Where(a => a.TaskArn == task).Select(a => $"{a.Address} ({a.SubnetId})").ToList()
        orderby engine.ContainerInstanceArn, task
        select new Leftover(LeftoverKinds.Containers, task,
            $"on {engine.ContainerInstanceArn}: containers of a task this server does not know"
            + (addresses.Count > 0 ? " hold " + string.Join(", ", addresses) : "")
            + $"; remove them there with: docker rm -f $(docker ps -aq --filter label={DockerLabels.TaskArn}={task})",
            null, null);
}
