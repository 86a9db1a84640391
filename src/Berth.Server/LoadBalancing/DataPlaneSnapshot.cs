using Berth.Core.Elb;

namespace Berth.Server.LoadBalancing;

/// <summary>
/// Everything the proxy needs, read from the store in one pass and never changed: listeners by port and
/// target groups by ARN. The data plane swaps a new snapshot in whole when ELB state changes.
/// </summary>
internal sealed record DataPlaneSnapshot(
    IReadOnlyDictionary<int, ListenerRoute> Listeners,
    IReadOnlyDictionary<string, TargetGroupRoute> TargetGroups)
{
    public static readonly DataPlaneSnapshot Empty = new(new Dictionary<int, ListenerRoute>(), new Dictionary<string, TargetGroupRoute>());
}

/// <summary>A listener as the proxy sees it: its load balancer (which access logs name) and its routing.</summary>
internal sealed record ListenerRoute(string LoadBalancerArn, ListenerRouting Routing);

/// <summary>
/// A target group as the proxy sees it: its settings, the targets that may take new requests
/// (registered and not draining), and the balancing algorithm.
/// </summary>
internal sealed record TargetGroupRoute(TargetGroup Group, IReadOnlyList<TargetEndpoint> Active, bool LeastOutstandingRequests, bool InUse)
{
    public string Arn => Group.TargetGroupArn!;

    public bool HealthCheckEnabled => Group.HealthCheckEnabled != false;
}
