using Berth.Core.Elb;

namespace Berth.Control.LoadBalancing;

/// <summary>
/// The in-process API through which the ECS service scheduler puts tasks behind load balancers: what
/// RegisterTargets, DeregisterTargets and DescribeTargetHealth do, without the wire. A scheduler
/// registers a task's IP (or instance) and port, waits for <c>healthy</c> before counting the task as
/// in service, deregisters before stopping a task and waits while the target is <c>draining</c> (the
/// group's deregistration_delay.timeout_seconds) so in-flight requests finish.
/// </summary>
public interface ILoadBalancerTargets
{
    /// <summary>Registers targets (port defaults to the group's); re-registering a draining target makes it active again.</summary>
    /// <exception cref="TargetGroupNotFoundException">No such target group.</exception>
    /// <exception cref="InvalidTargetException">A target does not suit the group's target type.</exception>
    Task RegisterAsync(string targetGroupArn, IReadOnlyList<TargetDescription> targets, CancellationToken cancellationToken);

    /// <summary>Starts draining the targets: they take no new requests and leave after the deregistration delay.</summary>
    /// <exception cref="InvalidTargetException">A target is not registered.</exception>
    Task DeregisterAsync(string targetGroupArn, IReadOnlyList<TargetDescription> targets, CancellationToken cancellationToken);

    /// <summary>Health of the given targets, or of every registered target when <paramref name="targets"/> is empty.</summary>
    Task<IReadOnlyList<TargetHealthDescription>> DescribeHealthAsync(
        string targetGroupArn, IReadOnlyList<TargetDescription> targets, CancellationToken cancellationToken);
}
