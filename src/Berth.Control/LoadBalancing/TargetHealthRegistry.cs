using System.Collections.Concurrent;
using Berth.Core.Elb;

namespace Berth.Control.LoadBalancing;

/// <summary>
/// What health checks have learned, per target group and target: the one source of truth for health.
/// The data plane's checker and its proxy (passive failures) write it; DescribeTargetHealth, routing and
/// the in-process <see cref="ILoadBalancerTargets"/> read it. Kept in memory: health is re-learned by
/// checking, so a restarted server starts every target at initial, as ELB does for a new registration.
/// </summary>
public sealed class TargetHealthRegistry
{
    private readonly ConcurrentDictionary<(string TargetGroupArn, TargetKey Target), TargetHealthStatus> _statuses = new();

    public TargetHealthStatus? Get(string targetGroupArn, TargetKey target) => _statuses.GetValueOrDefault((targetGroupArn, target));

    public TargetHealthStatus Observe(string targetGroupArn, TargetKey target, HealthCheckOutcome outcome, TargetGroup group) =>
        _statuses.AddOrUpdate(
            (targetGroupArn, target),
            static (_, args) => TargetHealthStatus.Initial.Observe(args.outcome, args.healthy, args.unhealthy),
            static (_, current, args) => current.Observe(args.outcome, args.healthy, args.unhealthy),
            (outcome, healthy: group.HealthyThresholdCount ?? 5, unhealthy: group.UnhealthyThresholdCount ?? 2));

    /// <summary>A (re-)registered target starts over at initial.</summary>
    public void Forget(string targetGroupArn, TargetKey target) => _statuses.TryRemove((targetGroupArn, target), out _);

    /// <summary>Drops what is known about targets no longer registered anywhere.</summary>
    public void RetainOnly(IReadOnlySet<(string TargetGroupArn, TargetKey Target)> registered)
    {
        foreach (var key in _statuses.Keys)
        {
            if (!registered.Contains(key))
            {
                _statuses.TryRemove(key, out _);
            }
        }
    }
}
