using Berth.Control.Observability;
using Berth.Core.Metrics;

namespace Berth.Server.LoadBalancing;

/// <summary>
/// Where every listener counts the requests it answers, until <c>LoadBalancerMetricsPublisher</c> turns each
/// finished minute into AWS/ApplicationELB metrics (<see cref="LoadBalancerMetrics"/>), each request at its moment
/// on the <see cref="MetricClock"/>. One lock around a few additions per request: listeners share it, and it is never
/// held across I/O.
/// </summary>
internal sealed class LoadBalancerTraffic(MetricClock clock)
{
    private readonly Lock _lock = new();
    private readonly LoadBalancerMetrics _metrics = new();

    public void Record(LoadBalancerRequest request)
    {
        var timed = request with { Timestamp = clock.ToMetric(request.Timestamp) };
        lock (_lock)
        {
            _metrics.Add(timed);
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
