using Berth.Control.LoadBalancing;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Services;
using ElbTargetDescription = Berth.Core.Elb.TargetDescription;
using ElbTargetHealth = Berth.Core.Elb.TargetHealth;

namespace Berth.Control.Services;

/// <summary>
/// The load balancer side of a service's scheduling round, through <see cref="ILoadBalancerTargets"/>: what each
/// target group knows of the service's tasks (for the snapshot), and the registrations and deregistrations a plan
/// asks for.
/// </summary>
public sealed class ServiceTargets(ILoadBalancerTargets targets)
{
    /// <summary>The registered targets of each of the service's target groups with their health; a group since deleted has none.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<(string, int), ElbTargetHealth>>> HealthAsync(
        Service service, CancellationToken cancellationToken)
    {
        var health = new Dictionary<string, IReadOnlyDictionary<(string, int), ElbTargetHealth>>(StringComparer.Ordinal);
        var balancers = TaskSetRules.AllLoadBalancers(service);
        var groups = balancers.Select(l => l.TargetGroupArn!)
            .Concat(balancers.Select(l => l.AdvancedConfiguration?.AlternateTargetGroupArn).OfType<string>());
        foreach (var arn in groups.Distinct(StringComparer.Ordinal))
        {
            try
            {
                var described = await targets.DescribeHealthAsync(arn, [], cancellationToken).ConfigureAwait(false);
                health[arn] = described
                    .Where(d => d.Target?.Id is not null && d.Target.Port is not null && d.TargetHealth is not null)
                    .ToDictionary(d => (d.Target!.Id!, d.Target.Port!.Value), d => d.TargetHealth!);
            }
            catch (Core.Elb.TargetGroupNotFoundException)
            {
                health[arn] = new Dictionary<(string, int), ElbTargetHealth>();
            }
        }
        return health;
    }

    /// <summary>
    /// The task as a target of each of the service's load balancers (its task set's, for a task of a task set): in its
    /// target group, or in its alternate one when the task's deployment runs there (blue/green, <paramref name="alternate"/>).
    /// </summary>
    public static IReadOnlyList<TaskTarget> Of(
        Service service, EcsTask task, string? ec2InstanceId, IReadOnlyDictionary<string, IReadOnlyDictionary<(string, int), ElbTargetHealth>> health,
        bool alternate) =>
        [.. TaskSetRules.LoadBalancersOf(service, task.StartedBy).Select(balancer =>
        {
            var groupArn = alternate && balancer.AdvancedConfiguration?.AlternateTargetGroupArn is { } other ? other : balancer.TargetGroupArn!;
            var address = TaskTargetAddress.Of(task, balancer, ec2InstanceId);
            var known = address is { } a && health.TryGetValue(groupArn, out var group) ? group.GetValueOrDefault(a) : null;
            return new TaskTarget(groupArn, address?.Id, address?.Port, known?.State, known?.Reason, known?.Description);
        })];

    /// <summary>Registers (or deregisters) the targets, one call per target group; returns an event for each group that refused.</summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(
        string serviceName, IReadOnlyList<TargetChange> changes, bool register, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        foreach (var group in changes.GroupBy(c => c.TargetGroupArn, StringComparer.Ordinal))
        {
            IReadOnlyList<ElbTargetDescription> descriptions = [.. group.Select(c => new ElbTargetDescription { Id = c.TargetId, Port = c.Port })];
            try
            {
                await (register
                    ? targets.RegisterAsync(group.Key, descriptions, cancellationToken)
                    : targets.DeregisterAsync(group.Key, descriptions, cancellationToken)).ConfigureAwait(false);
            }
            catch (QueryServiceException e)
            {
                // ECS reports what ELB refused as a service event and tries again on a later round.
                failures.Add($"(service {serviceName}) failed to {(register ? "register" : "deregister")} targets in (target-group {group.Key}) with (error {e.Message})");
            }
        }
        return failures;
    }
}
