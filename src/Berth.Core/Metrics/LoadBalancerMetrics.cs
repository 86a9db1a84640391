namespace Berth.Core.Metrics;

/// <summary>One request a listener answered, as the load balancer's metrics count it.</summary>
/// <param name="TargetGroupArn">The target group whose target took the request; null when none did (the load balancer's own 503).</param>
/// <param name="StatusCode">The status code the client got.</param>
/// <param name="TargetStatus">The target's status code; null when the load balancer answered itself (502, 503, 504).</param>
/// <param name="TargetResponseSeconds">From the request leaving the load balancer to the target's response headers; null without a response.</param>
public sealed record LoadBalancerRequest(
    string LoadBalancerArn, string? TargetGroupArn, int StatusCode, int? TargetStatus, double? TargetResponseSeconds, DateTimeOffset Timestamp);

/// <summary>A target group's registered targets by health at one moment, and the load balancers that forward to it.</summary>
public sealed record TargetGroupHealth(string TargetGroupArn, IReadOnlyList<string> LoadBalancerArns, int Healthy, int Unhealthy, int Registered)
{
    /// <summary>The targets a request may go to: the healthy ones, or, when none is healthy, all of them (ELB fails open).</summary>
    public int Routable => Healthy > 0 ? Healthy : Registered;
}

/// <summary>
/// Turns the requests an Application Load Balancer answers into AWS/ApplicationELB metrics per minute, with the
/// dimensions ELB publishes them under
/// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html):
/// <list type="bullet">
/// <item>RequestCount, HTTPCode_Target_{2,3,4,5}XX_Count and TargetResponseTime per (LoadBalancer) and per
/// (LoadBalancer, TargetGroup); HTTPCode_ELB_{4,5}XX_Count per (LoadBalancer). Counts are reported only when
/// nonzero, as ELB does.</item>
/// <item>RequestCountPerTarget per (TargetGroup) and (LoadBalancer, TargetGroup): the group's requests divided by
/// its healthy targets (all registered targets when none is healthy), read with Sum as on AWS.</item>
/// <item>HealthyHostCount and UnHealthyHostCount per (LoadBalancer, TargetGroup), sampled by <see cref="HealthPoints"/>.</item>
/// </list>
/// Berth has no availability zones in its load balancers, so the AvailabilityZone dimension combinations are not
/// published. Not thread-safe; pure apart from its buffer.
/// </summary>
public sealed class LoadBalancerMetrics
{
    public const string Namespace = "AWS/ApplicationELB";

    private const string Count = "Count";

    private sealed class Tally
    {
        public long Requests { get; set; }

        /// <summary>Target responses by class: index 2 for 2XX … 5 for 5XX.</summary>
        public long[] TargetCodes { get; } = new long[6];

        public long ElbClientErrors { get; set; }

        public long ElbServerErrors { get; set; }

        public Rollup? ResponseTime { get; set; }
    }

    private readonly SortedDictionary<DateTimeOffset, Dictionary<(string LoadBalancer, string? TargetGroup), Tally>> _minutes = new();

    public void Add(LoadBalancerRequest request)
    {
        var minute = MetricRetention.Floor(request.Timestamp, 60);
        if (!_minutes.TryGetValue(minute, out var tallies))
        {
            _minutes[minute] = tallies = [];
        }
        var key = (request.LoadBalancerArn, request.TargetGroupArn);
        if (!tallies.TryGetValue(key, out var tally))
        {
            tallies[key] = tally = new Tally();
        }
        tally.Requests++;
        if (request.TargetStatus is { } target)
        {
            if (target / 100 is >= 2 and <= 5)
            {
                tally.TargetCodes[target / 100]++;
            }
        }
        else if (request.StatusCode / 100 == 4)
        {
            tally.ElbClientErrors++;
        }
        else if (request.StatusCode / 100 == 5)
        {
            tally.ElbServerErrors++;
        }
        if (request.TargetResponseSeconds is { } seconds)
        {
            tally.ResponseTime = tally.ResponseTime?.Merge(Rollup.Of(seconds)) ?? Rollup.Of(seconds);
        }
    }

    /// <summary>
    /// The points of every minute that started before <paramref name="before"/>, which are then forgotten;
    /// <paramref name="health"/> (by target group ARN) divides RequestCountPerTarget.
    /// </summary>
    public IReadOnlyList<ScopedPoint> Drain(DateTimeOffset before, IReadOnlyDictionary<string, TargetGroupHealth> health)
    {
        var points = new List<ScopedPoint>();
        foreach (var minute in _minutes.Keys.Where(m => m < before).ToList())
        {
            var tallies = _minutes[minute];
            _minutes.Remove(minute);
            foreach (var byLoadBalancer in tallies.GroupBy(t => t.Key.LoadBalancer))
            {
                var loadBalancer = (Name: "LoadBalancer", Value: LoadBalancerDimension(byLoadBalancer.Key));
                var scope = MetricScopes.OfArn(byLoadBalancer.Key);
                AddTraffic(points, scope, minute, [loadBalancer], Sum(byLoadBalancer.Select(t => t.Value)), withElbCodes: true);
                foreach (var (key, tally) in byLoadBalancer.Where(t => t.Key.TargetGroup is not null))
                {
                    var targetGroup = (Name: "TargetGroup", Value: TargetGroupDimension(key.TargetGroup!));
                    AddTraffic(points, scope, minute, [loadBalancer, targetGroup], tally, withElbCodes: false);
                    if (health.TryGetValue(key.TargetGroup!, out var group) && group.Routable > 0)
                    {
                        Add(points, scope, minute, "RequestCountPerTarget", [loadBalancer, targetGroup], Rollup.Of((double)tally.Requests / group.Routable), Count);
                    }
                }
            }
            foreach (var byTargetGroup in tallies.Where(t => t.Key.TargetGroup is not null).GroupBy(t => t.Key.TargetGroup!))
            {
                if (health.TryGetValue(byTargetGroup.Key, out var group) && group.Routable > 0)
                {
                    Add(points, MetricScopes.OfArn(byTargetGroup.Key), minute, "RequestCountPerTarget", [("TargetGroup", TargetGroupDimension(byTargetGroup.Key))],
                        Rollup.Of((double)byTargetGroup.Sum(t => t.Value.Requests) / group.Routable), Count);
                }
            }
        }
        return points;
    }

    /// <summary>
    /// One sample of HealthyHostCount and UnHealthyHostCount per load balancer and target group, in the minute of
    /// <paramref name="now"/>: sampled several times a minute, their Average, Minimum and Maximum read as on AWS.
    /// </summary>
    public static IReadOnlyList<ScopedPoint> HealthPoints(IEnumerable<TargetGroupHealth> groups, DateTimeOffset now)
    {
        var minute = MetricRetention.Floor(now, 60);
        var points = new List<ScopedPoint>();
        foreach (var group in groups)
        {
            foreach (var loadBalancerArn in group.LoadBalancerArns)
            {
                (string, string)[] dimensions = [("LoadBalancer", LoadBalancerDimension(loadBalancerArn)), ("TargetGroup", TargetGroupDimension(group.TargetGroupArn))];
                var scope = MetricScopes.OfArn(loadBalancerArn);
                Add(points, scope, minute, "HealthyHostCount", dimensions, Rollup.Of(group.Healthy), Count);
                Add(points, scope, minute, "UnHealthyHostCount", dimensions, Rollup.Of(group.Unhealthy), Count);
            }
        }
        return points;
    }

    /// <summary>The LoadBalancer dimension: the ARN's resource after <c>loadbalancer/</c>, e.g. <c>app/web/50dc6c495c0c9188</c>.</summary>
    public static string LoadBalancerDimension(string loadBalancerArn) =>
        loadBalancerArn[(loadBalancerArn.IndexOf(":loadbalancer/", StringComparison.Ordinal) + ":loadbalancer/".Length)..];

    /// <summary>The TargetGroup dimension: the ARN's resource, e.g. <c>targetgroup/web/943f017f100becff</c>.</summary>
    public static string TargetGroupDimension(string targetGroupArn) => targetGroupArn[(targetGroupArn.LastIndexOf(':') + 1)..];

    private static Tally Sum(IEnumerable<Tally> tallies)
    {
        var sum = new Tally();
        foreach (var tally in tallies)
        {
            sum.Requests += tally.Requests;
            for (var i = 0; i < sum.TargetCodes.Length; i++)
            {
                sum.TargetCodes[i] += tally.TargetCodes[i];
            }
            sum.ElbClientErrors += tally.ElbClientErrors;
            sum.ElbServerErrors += tally.ElbServerErrors;
            sum.ResponseTime = tally.ResponseTime is not { } time ? sum.ResponseTime : sum.ResponseTime?.Merge(time) ?? time;
        }
        return sum;
    }

    private static void AddTraffic(List<ScopedPoint> points, string scope, DateTimeOffset minute, (string, string)[] dimensions, Tally tally, bool withElbCodes)
    {
        Add(points, scope, minute, "RequestCount", dimensions, Rollup.Of(tally.Requests), Count);
        for (var codeClass = 2; codeClass <= 5; codeClass++)
        {
            AddNonzero(points, scope, minute, $"HTTPCode_Target_{codeClass}XX_Count", dimensions, tally.TargetCodes[codeClass]);
        }
        if (withElbCodes)
        {
            AddNonzero(points, scope, minute, "HTTPCode_ELB_4XX_Count", dimensions, tally.ElbClientErrors);
            AddNonzero(points, scope, minute, "HTTPCode_ELB_5XX_Count", dimensions, tally.ElbServerErrors);
        }
        if (tally.ResponseTime is { } responseTime)
        {
            Add(points, scope, minute, "TargetResponseTime", dimensions, responseTime, "Seconds");
        }
    }

    private static void AddNonzero(List<ScopedPoint> points, string scope, DateTimeOffset minute, string name, (string, string)[] dimensions, long count)
    {
        if (count > 0)
        {
            Add(points, scope, minute, name, dimensions, Rollup.Of(count), Count);
        }
    }

    private static void Add(List<ScopedPoint> points, string scope, DateTimeOffset minute, string name, (string Name, string Value)[] dimensions, Rollup value,
        string unit) =>
        points.Add(new ScopedPoint(scope, new MetricPoint(
            new MetricSeries(Namespace, name, dimensions.Select(d => KeyValuePair.Create(d.Name, d.Value)).OrderBy(d => d.Key, StringComparer.Ordinal).ToList()),
            minute, value, unit)));
}
