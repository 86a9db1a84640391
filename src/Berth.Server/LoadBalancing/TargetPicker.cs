using Berth.Control.LoadBalancing;
using Berth.Core.Elb;

namespace Berth.Server.LoadBalancing;

/// <summary>
/// Chooses the target for a request among a group's active targets: round robin or least outstanding
/// requests over the healthy ones. When none is healthy ELB fails open: to the targets whose latest check
/// passed if there are any, else to them all (<see cref="TargetHealthView.Routable"/> states the rule; this is
/// its allocation-free hot-path form).
/// </summary>
internal sealed class TargetPicker(TargetHealthRegistry health)
{
    private const int Healthy = 0;

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
        var bestRank = int.MaxValue;
        for (var i = 0; i < targets.Count; i++)
        {
            var candidate = targets[(start + i) % targets.Count];
            var rank = Rank(group, candidate);
            if (rank == Healthy && !group.LeastOutstandingRequests)
            {
                return candidate;
            }
            if (rank < bestRank || (rank == bestRank && group.LeastOutstandingRequests && candidate.InFlight < best!.InFlight))
            {
                best = candidate;
                bestRank = rank;
            }
        }
        return best;
    }

    /// <summary>Healthy (or health checks off) first, then targets whose latest check passed, then the rest.</summary>
    private int Rank(TargetGroupRoute group, TargetEndpoint target)
    {
        if (!group.HealthCheckEnabled)
        {
            return Healthy;
        }
        var status = health.Get(group.Arn, target.Key);
        return status?.State == TargetHealthStates.Healthy ? Healthy : status?.PassedLatestCheck == true ? 1 : 2;
    }
}
