using Berth.Core.Metrics;

namespace Berth.Server.LoadBalancing;

/// <summary>
/// Where every listener counts the requests it answers, until <c>LoadBalancerMetricsPublisher</c> turns each
/// finished minute into AWS/ApplicationELB metrics (<see cref="LoadBalancerMetrics"/>). One lock around a few
/// additions per request: listeners share it, and it is never held across I/O.
/// </summary>
internal sealed class LoadBalancerTraffic
{
    private readonly Lock _lock = new();
    private readonly LoadBalancerMetrics _metrics = new();

    public void Record(LoadBalancerRequest request)
    {
        lock (_lock)
        {
            _metrics.Add(request);
        }
    }

    /// <inheritdoc cref="LoadBalancerMetrics.Drain"/>
    public IReadOnlyList<ScopedPoint> Drain(DateTimeOffset before, IReadOnlyDictionary<string, TargetGroupHealth> health)
    {
        lock (_lock)
        {
            return _metrics.Drain(before, health);
        }
    }
}
