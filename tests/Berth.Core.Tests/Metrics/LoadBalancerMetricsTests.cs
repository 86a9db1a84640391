using Berth.Core.Metrics;

namespace Berth.Core.Tests.Metrics;

public class LoadBalancerMetricsTests
{
    private const string LoadBalancer = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188";
    private const string OtherLoadBalancer = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/admin/7a1c9e0b2d3f4a5b";
    private const string TargetGroup = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/943f017f100becff";
    private const string Scope = "123456789012/eu-west-1";
    private static readonly DateTimeOffset Minute = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);
    private static readonly (string, string) LoadBalancerDimension = ("LoadBalancer", "app/web/50dc6c495c0c9188");
    private static readonly (string, string) TargetGroupDimension = ("TargetGroup", "targetgroup/web/943f017f100becff");

    [Fact]
    public void A_minutes_requests_become_counts_per_load_balancer_and_per_target_group()
    {
        var metrics = new LoadBalancerMetrics();
        metrics.Add(Forwarded(200, 0.010, 5));
        metrics.Add(Forwarded(204, 0.030, 20));
        metrics.Add(Forwarded(404, 0.020, 40));
        metrics.Add(Forwarded(503, 0.050, 59));
        metrics.Add(new LoadBalancerRequest(LoadBalancer, TargetGroup, 502, null, null, Minute.AddSeconds(30)));
        metrics.Add(new LoadBalancerRequest(LoadBalancer, null, 503, null, null, Minute.AddSeconds(31)));

        var points = metrics.Drain(Minute.AddMinutes(1), Health(healthy: 2, registered: 3));

        Assert.All(points, p => Assert.Equal(Scope, p.Scope));
        Assert.Equal(6, Value(points, "RequestCount", LoadBalancerDimension).Sum);
        Assert.Equal(2, Value(points, "HTTPCode_Target_2XX_Count", LoadBalancerDimension).Sum);
        Assert.Equal(1, Value(points, "HTTPCode_Target_4XX_Count", LoadBalancerDimension).Sum);
        Assert.Equal(1, Value(points, "HTTPCode_Target_5XX_Count", LoadBalancerDimension).Sum);
        Assert.Equal(2, Value(points, "HTTPCode_ELB_5XX_Count", LoadBalancerDimension).Sum);
        Assert.Equal(new Rollup(0.11, 4, 0.01, 0.05), Round(Value(points, "TargetResponseTime", LoadBalancerDimension)));

        Assert.Equal(5, Value(points, "RequestCount", LoadBalancerDimension, TargetGroupDimension).Sum);
        Assert.Equal(2, Value(points, "HTTPCode_Target_2XX_Count", LoadBalancerDimension, TargetGroupDimension).Sum);
        Assert.Equal(4, Value(points, "TargetResponseTime", LoadBalancerDimension, TargetGroupDimension).Count);
        Assert.Equal("Seconds", Point(points, "TargetResponseTime", LoadBalancerDimension).Unit);

        // ELB reports counts only when nonzero, and its own codes only per load balancer.
        Assert.DoesNotContain(points, p => p.Point.Series.MetricName is "HTTPCode_Target_3XX_Count" or "HTTPCode_ELB_4XX_Count");
        Assert.DoesNotContain(points, p => p.Point.Series.MetricName == "HTTPCode_ELB_5XX_Count" && p.Point.Series.Dimensions.Count == 2);
    }

    [Fact]
    public void Request_count_per_target_divides_by_the_healthy_targets_or_all_of_them_when_none_is()
    {
        var metrics = new LoadBalancerMetrics();
        for (var i = 0; i < 6; i++)
        {
            metrics.Add(Forwarded(200, 0.001, i));
        }
        var healthy = metrics.Drain(Minute.AddMinutes(1), Health(healthy: 2, registered: 3));
        for (var i = 0; i < 6; i++)
        {
            metrics.Add(Forwarded(200, 0.001, 60 + i));
        }
        var noneHealthy = metrics.Drain(Minute.AddMinutes(2), Health(healthy: 0, registered: 3));

        Assert.Equal(3, Value(healthy, "RequestCountPerTarget", TargetGroupDimension).Sum);
        Assert.Equal(3, Value(healthy, "RequestCountPerTarget", LoadBalancerDimension, TargetGroupDimension).Sum);
        Assert.Equal(2, Value(noneHealthy, "RequestCountPerTarget", TargetGroupDimension).Sum);
        Assert.Equal(Minute.AddMinutes(1), Point(noneHealthy, "RequestCountPerTarget", TargetGroupDimension).Timestamp);
    }

    [Fact]
    public void A_target_groups_requests_through_two_load_balancers_add_up_per_target_group()
    {
        var metrics = new LoadBalancerMetrics();
        metrics.Add(Forwarded(200, 0.001, 1));
        metrics.Add(Forwarded(200, 0.001, 2) with { LoadBalancerArn = OtherLoadBalancer });
        metrics.Add(Forwarded(200, 0.001, 3) with { LoadBalancerArn = OtherLoadBalancer });

        var points = metrics.Drain(Minute.AddMinutes(1), Health(healthy: 1, registered: 1));

        Assert.Equal(3, Value(points, "RequestCountPerTarget", TargetGroupDimension).Sum);
        Assert.Equal(1, Value(points, "RequestCountPerTarget", LoadBalancerDimension, TargetGroupDimension).Sum);
        Assert.Equal(2, Value(points, "RequestCount", ("LoadBalancer", "app/admin/7a1c9e0b2d3f4a5b")).Sum);
    }

    [Fact]
    public void Only_finished_minutes_are_drained_and_each_only_once()
    {
        var metrics = new LoadBalancerMetrics();
        metrics.Add(Forwarded(200, 0.001, 10));
        metrics.Add(Forwarded(200, 0.001, 70));

        var first = metrics.Drain(Minute.AddMinutes(1), Health(1, 1));
        var again = metrics.Drain(Minute.AddMinutes(1), Health(1, 1));
        var second = metrics.Drain(Minute.AddMinutes(2), Health(1, 1));

        Assert.Equal(1, Value(first, "RequestCount", LoadBalancerDimension).Sum);
        Assert.Empty(again);
        Assert.Equal(Minute.AddMinutes(1), Point(second, "RequestCount", LoadBalancerDimension).Timestamp);
    }

    [Fact]
    public void Host_counts_are_sampled_per_load_balancer_forwarding_to_the_group()
    {
        var group = new TargetGroupHealth(TargetGroup, [LoadBalancer, OtherLoadBalancer], Healthy: 2, Unhealthy: 1, Registered: 4);

        var points = LoadBalancerMetrics.HealthPoints([group], Minute.AddSeconds(42));

        Assert.Equal(4, points.Count);
        Assert.Equal(2, Value(points, "HealthyHostCount", LoadBalancerDimension, TargetGroupDimension).Sum);
        Assert.Equal(1, Value(points, "UnHealthyHostCount", LoadBalancerDimension, TargetGroupDimension).Sum);
        Assert.Equal(Minute, Point(points, "HealthyHostCount", LoadBalancerDimension, TargetGroupDimension).Timestamp);
    }

    private static LoadBalancerRequest Forwarded(int status, double seconds, int second) =>
        new(LoadBalancer, TargetGroup, status, status, seconds, Minute.AddSeconds(second));

    private static Dictionary<string, TargetGroupHealth> Health(int healthy, int registered) =>
        new() { [TargetGroup] = new TargetGroupHealth(TargetGroup, [LoadBalancer], healthy, registered - healthy, registered) };

    private static MetricPoint Point(IReadOnlyList<ScopedPoint> points, string name, params (string Name, string Value)[] dimensions)
    {
        var series = new MetricSeries(LoadBalancerMetrics.Namespace, name,
            dimensions.Select(d => KeyValuePair.Create(d.Name, d.Value)).OrderBy(d => d.Key, StringComparer.Ordinal).ToList());
        return Assert.Single(points, p => p.Point.Series == series).Point;
    }

    private static Rollup Value(IReadOnlyList<ScopedPoint> points, string name, params (string, string)[] dimensions) =>
        Point(points, name, dimensions).Value;

    private static Rollup Round(Rollup value) =>
        new(Math.Round(value.Sum, 6), value.Count, Math.Round(value.Min, 6), Math.Round(value.Max, 6));
}
