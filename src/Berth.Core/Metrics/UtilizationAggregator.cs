using Berth.Core.Tasks;

namespace Berth.Core.Metrics;

/// <summary>One agent sample of a task, with what the task reserved (its claim on the instance).</summary>
public sealed record TaskUsage(
    string TaskArn, string ClusterArn, string ClusterName, string? Group, int CpuReserved, int MemoryReserved,
    DateTimeOffset Timestamp, double CpuUnits, double MemoryMiB);

/// <summary>A metric point and the metric scope (account/region) it belongs to.</summary>
public sealed record ScopedPoint(string Scope, MetricPoint Point);

/// <summary>
/// Turns task samples into AWS/ECS CPUUtilization and MemoryUtilization per minute, as ECS defines them
/// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service_utilization.html):
/// <list type="bullet">
/// <item>service (ClusterName, ServiceName): Average = units used by the service's tasks ÷ units they reserve × 100;
/// Minimum and Maximum = the least and most utilized task. Published as a statistic set with one sample per task.</item>
/// <item>cluster (ClusterName): units used by the cluster's tasks ÷ units registered by its container instances × 100
/// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/available-metrics.html).</item>
/// </list>
/// A task's use in a minute is the mean of its samples in that minute. Not thread-safe; pure apart from its buffer.
/// </summary>
public sealed class UtilizationAggregator
{
    public const string Namespace = "AWS/ECS";
    private sealed class TaskMinute(TaskUsage first)
    {
        public TaskUsage Task { get; } = first;
        public double Cpu { get; set; }
        public double Memory { get; set; }
        public int Samples { get; set; }
    }

    private readonly SortedDictionary<DateTimeOffset, Dictionary<string, TaskMinute>> _minutes = new();

    /// <summary>The clusters with buffered samples.</summary>
    public IReadOnlyList<string> Clusters =>
        _minutes.Values.SelectMany(m => m.Values).Select(t => t.Task.ClusterArn).Distinct(StringComparer.Ordinal).ToList();

    public void Add(TaskUsage usage)
    {
        var minute = MetricRetention.Floor(usage.Timestamp, 60);
        if (!_minutes.TryGetValue(minute, out var tasks))
        {
            _minutes[minute] = tasks = new Dictionary<string, TaskMinute>(StringComparer.Ordinal);
        }
        if (!tasks.TryGetValue(usage.TaskArn, out var entry))
        {
            tasks[usage.TaskArn] = entry = new TaskMinute(usage);
        }
        entry.Cpu += usage.CpuUnits;
        entry.Memory += usage.MemoryMiB;
        entry.Samples++;
    }

    /// <summary>
    /// The points of every minute that started before <paramref name="before"/>, which are then forgotten.
    /// <paramref name="clusterCapacity"/> gives a cluster's registered CPU units and MiB (null: unknown).
    /// </summary>
    public IReadOnlyList<ScopedPoint> Drain(DateTimeOffset before, Func<string, (double Cpu, double Memory)?> clusterCapacity)
    {
        var points = new List<ScopedPoint>();
        foreach (var minute in _minutes.Keys.Where(m => m < before).ToList())
        {
            var tasks = _minutes[minute].Values.Select(t => (t.Task, Cpu: t.Cpu / t.Samples, Memory: t.Memory / t.Samples)).ToList();
            _minutes.Remove(minute);
            foreach (var cluster in tasks.GroupBy(t => t.Task.ClusterArn))
            {
                var first = cluster.First().Task;
                var scope = MetricScopes.OfArn(first.ClusterArn);
                var clusterDimensions = new[] { KeyValuePair.Create("ClusterName", first.ClusterName) };
                if (clusterCapacity(cluster.Key) is var (cpuCapacity, memoryCapacity))
                {
                    AddIfDefined(points, scope, minute, "CPUUtilization", clusterDimensions, Percent(cluster.Sum(t => t.Cpu), cpuCapacity));
                    AddIfDefined(points, scope, minute, "MemoryUtilization", clusterDimensions, Percent(cluster.Sum(t => t.Memory), memoryCapacity));
                }
                foreach (var service in cluster.Where(t => TaskGroups.ServiceNameOf(t.Task.Group) is not null)
                             .GroupBy(t => TaskGroups.ServiceNameOf(t.Task.Group)!))
                {
                    var dimensions = new[] { KeyValuePair.Create("ClusterName", first.ClusterName), KeyValuePair.Create("ServiceName", service.Key) };
                    AddIfDefined(points, scope, minute, "CPUUtilization", dimensions,
                        ServiceRollup(service.Select(t => (t.Cpu, (double)t.Task.CpuReserved))));
                    AddIfDefined(points, scope, minute, "MemoryUtilization", dimensions,
                        ServiceRollup(service.Select(t => (t.Memory, (double)t.Task.MemoryReserved))));
                }
            }
        }
        return points;
    }

    /// <summary>Tasks that reserve none of a resource have no utilization of it, so they are left out of its figure.</summary>
    private static Rollup? ServiceRollup(IEnumerable<(double Used, double Reserved)> tasks)
    {
        var measured = tasks.Where(t => t.Reserved > 0).ToList();
        if (measured.Count == 0)
        {
            return null;
        }
        var average = measured.Sum(t => t.Used) / measured.Sum(t => t.Reserved) * 100;
        var each = measured.Select(t => t.Used / t.Reserved * 100).ToList();
        return new Rollup(average * measured.Count, measured.Count, each.Min(), each.Max());
    }

    private static Rollup? Percent(double used, double capacity) => capacity > 0 ? Rollup.Of(used / capacity * 100) : null;

    private static void AddIfDefined(List<ScopedPoint> points, string scope, DateTimeOffset minute, string name,
        IReadOnlyList<KeyValuePair<string, string>> dimensions, Rollup? value)
    {
        if (value is { } rollup)
        {
            points.Add(new ScopedPoint(scope, new MetricPoint(new MetricSeries(Namespace, name, dimensions), minute, rollup, "Percent")));
        }
    }
}
