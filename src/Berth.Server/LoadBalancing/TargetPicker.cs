using Berth.Control.LoadBalancing;
using Berth.Core.Elb;

namespace Berth.Server.LoadBalancing;

/// <summary>
/// Chooses the target for a request among a group's active targets: round robin or least outstanding
/// requests over the healthy ones. When none is healthy ELB fails open and uses them all
/// (<see cref="TargetHealthView.Routable"/> states the rule; this is its allocation-free hot-path form).
/// </summary>
internal sealed class TargetPicker(TargetHealthRegistry health)
{
    private int _next;

    public TargetEndpoint? Pick(TargetGroupRoute group)
    {
        var targets = group.Active;
        if (targets.Count == 0)
        {
            return null;
        }
        var start = (int)((uint)Interlocked.Increment(ref _next) % (uint)targets.Count);
        TargetEndpoint? best = null;
        for (var i = 0; i < targets.Count; i++)
        {
            var candidate = targets[(start + i) % targets.Count];
            if (!IsHealthy(group, candidate))
            {
                continue;
            }
            if (!group.LeastOutstandingRequests)
            {
                return candidate;
            }
            if (best is null || candidate.InFlight < best.InFlight)
            {
                best = candidate;
            }
        }
        return best ?? targets[start];
    }

    private bool IsHealthy(TargetGroupRoute group, TargetEndpoint target) =>
        !group.HealthCheckEnabled || health.Get(group.Arn, target.Key)?.State == TargetHealthStates.Healthy;
}
