using Berth.Control.LoadBalancing;
using Berth.Control.Observability;
using Berth.Core.Elb;
using Berth.Core.Metrics;
using Berth.Server.Controllers;
using Berth.Server.LoadBalancing;
using Berth.Store.Metrics;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Metrics;

/// <summary>
/// Writes AWS/ApplicationELB metrics: every pass samples each target group's healthy and unhealthy targets (per
/// load balancer forwarding to it), and each minute of traffic the listeners counted (<see cref="LoadBalancerTraffic"/>)
/// is written <see cref="Grace"/> after it ends, so requests that finish at its very end still count. Passes, minutes and
/// samples run on the <see cref="MetricClock"/>.
/// </summary>
internal sealed class LoadBalancerMetricsPublisher(
    LoadBalancerTraffic traffic, DataPlaneState state, TargetHealthRegistry health, IMetricStore store, MetricClock clock,
    ILogger<LoadBalancerMetricsPublisher> logger)
    : PeriodicController(Interval, clock, logger)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        var groups = TargetGroupHealth(state.Current);
        var points = traffic.Drain(now - Grace - TimeSpan.FromMinutes(1), groups)
            .Concat(LoadBalancerMetrics.HealthPoints(groups.Values, now));
        foreach (var scope in points.GroupBy(p => p.Scope))
        {
            await store.PutAsync(scope.Key, scope.Select(p => p.Point).ToList(), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Each target group some listener forwards to, with its targets counted by the health they have now.</summary>
    private Dictionary<string, TargetGroupHealth> TargetGroupHealth(DataPlaneSnapshot snapshot)
    {
        var loadBalancers = snapshot.Listeners.Values
            .SelectMany(l => l.Routing.TargetGroupArns.Select(arn => (TargetGroup: arn, l.LoadBalancerArn)))
            .GroupBy(p => p.TargetGroup, p => p.LoadBalancerArn, StringComparer.Ordinal);
        var groups = new Dictionary<string, TargetGroupHealth>(StringComparer.Ordinal);
        foreach (var forwarded in loadBalancers)
        {
            if (!snapshot.TargetGroups.TryGetValue(forwarded.Key, out var group))
            {
                continue;
            }
            var states = group.Active.Select(t => group.HealthCheckEnabled ? health.Get(group.Arn, t.Key)?.State : TargetHealthStates.Healthy).ToList();
            groups[forwarded.Key] = new TargetGroupHealth(forwarded.Key, forwarded.Distinct(StringComparer.Ordinal).ToList(),
                states.Count(s => s == TargetHealthStates.Healthy), states.Count(s => s == TargetHealthStates.Unhealthy), states.Count);
        }
        return groups;
    }
}
