namespace Berth.Core.Elb;

/// <summary>
/// The TargetHealth that DescribeTargetHealth shows for a target, from its registration, whether its
/// target group receives traffic, and what health checks know. Order matters as at ELB: a target that
/// is not registered is <c>unused</c>, a deregistered one <c>draining</c>, one whose group no load
/// balancer uses <c>unused</c>; only then do health checks speak.
/// </summary>
public static class TargetHealthView
{
    public static TargetHealth Describe(RegisteredTarget? target, bool groupInUse, bool healthCheckEnabled, TargetHealthStatus? status, DateTimeOffset now)
    {
        if (target is null || !target.IsRegisteredAt(now))
        {
            return new() { State = TargetHealthStates.Unused, Reason = TargetHealthReasons.NotRegistered, Description = "Target is not registered to the target group" };
        }
        if (target.IsDraining(now))
        {
            return new() { State = TargetHealthStates.Draining, Reason = TargetHealthReasons.DeregistrationInProgress, Description = "Target deregistration is in progress" };
        }
        if (!groupInUse)
        {
            return new() { State = TargetHealthStates.Unused, Reason = TargetHealthReasons.NotInUse, Description = "Target group is not configured to receive traffic from the load balancer" };
        }
        if (!healthCheckEnabled)
        {
            return new() { State = TargetHealthStates.Unavailable, Reason = TargetHealthReasons.HealthCheckDisabled, Description = "Health checks disabled" };
        }
        var known = status ?? TargetHealthStatus.Initial;
        return new() { State = known.State, Reason = known.Reason, Description = known.Description };
    }

    /// <summary>
    /// The targets a request may go to: the healthy ones (and, with health checks disabled, every
    /// registered one). When none is healthy ELB fails open and routes to all registered targets
    /// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html) —
    /// in Berth, first to those whose latest check passed (<see cref="TargetHealthStatus.PassedLatestCheck"/>), so
    /// a container registered a moment ago, not yet listening, takes no request while older targets answer.
    /// Draining targets never take new requests.
    /// </summary>
    public static IReadOnlyList<RegisteredTarget> Routable(
        IReadOnlyList<RegisteredTarget> targets, bool healthCheckEnabled, Func<TargetKey, TargetHealthStatus?> status, DateTimeOffset now)
    {
        var active = targets.Where(t => t.IsRegisteredAt(now) && !t.IsDraining(now)).ToList();
        if (!healthCheckEnabled)
        {
            return active;
        }
        var healthy = active.Where(t => status(t.Key)?.State == TargetHealthStates.Healthy).ToList();
        if (healthy.Count > 0)
        {
            return healthy;
        }
        var answering = active.Where(t => status(t.Key)?.PassedLatestCheck == true).ToList();
        return answering.Count > 0 ? answering : active;
    }
}
