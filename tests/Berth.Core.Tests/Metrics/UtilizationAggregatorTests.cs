using Berth.Core.Metrics;

namespace Berth.Core.Tests.Metrics;

public class UtilizationAggregatorTests
{
    private const string Cluster = "arn:aws:ecs:eu-west-1:123456789012:cluster/prod";
    private static readonly DateTimeOffset Minute = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static TaskUsage Sample(string task, string? group, int cpuReserved, double cpuUsed, int seconds = 10, int memoryReserved = 512, double memoryUsed = 128) =>
        new($"{Cluster.Replace(":cluster/", ":task/", StringComparison.Ordinal)}/{task}", Cluster, "prod", group, cpuReserved, memoryReserved,
            Minute.AddSeconds(seconds), cpuUsed, memoryUsed);

    private static Dictionary<string, Rollup> Drain(UtilizationAggregator aggregator, (double, double)? capacity = null) =>
        aggregator.Drain(Minute.AddMinutes(1), _ => capacity)
            .ToDictionary(p => $"{p.Point.Series.MetricName} {p.Point.Series.DimensionsKey.Replace('\n', ' ')}", p => p.Point.Value);

    [Fact]
    public void Service_average_is_used_over_reserved_and_min_max_are_single_tasks()
    {
        var aggregator = new UtilizationAggregator();
        aggregator.Add(Sample("a", "service:web", cpuReserved: 256, cpuUsed: 256));
        aggregator.Add(Sample("b", "service:web", cpuReserved: 768, cpuUsed: 0));

        var cpu = Drain(aggregator)["CPUUtilization ClusterName=prod ServiceName=web"];

        // (256 + 0) / (256 + 768) = 25 %, although the tasks' own figures are 100 % and 0 %.
        Assert.Equal((25, 2, 0, 100), (cpu.Average, cpu.Count, cpu.Min, cpu.Max));
    }

    [Fact]
    public void A_tasks_minute_is_the_mean_of_its_samples()
    {
        var aggregator = new UtilizationAggregator();
        aggregator.Add(Sample("a", "service:web", 512, 512, seconds: 0));
        aggregator.Add(Sample("a", "service:web", 512, 0, seconds: 20));
        aggregator.Add(Sample("a", "service:web", 512, 256, seconds: 40));

        Assert.Equal(50, Drain(aggregator)["CPUUtilization ClusterName=prod ServiceName=web"].Average, 6);
    }

    [Fact]
    public void Cluster_utilization_is_against_registered_capacity_and_counts_every_task()
    {
        var aggregator = new UtilizationAggregator();
        aggregator.Add(Sample("a", "service:web", 1024, 512, memoryUsed: 1024));
        aggregator.Add(Sample("b", null, 0, 512, memoryUsed: 1024));

        var points = Drain(aggregator, capacity: (4096, 8192));

        Assert.Equal(Rollup.Of(25), points["CPUUtilization ClusterName=prod"]);
        Assert.Equal(Rollup.Of(25), points["MemoryUtilization ClusterName=prod"]);
        Assert.DoesNotContain(points.Keys, k => k.Contains("ServiceName=b", StringComparison.Ordinal));
    }

    [Fact]
    public void Tasks_without_a_reservation_have_no_service_utilization()
    {
        var aggregator = new UtilizationAggregator();
        aggregator.Add(Sample("a", "service:web", cpuReserved: 0, cpuUsed: 100));

        var points = Drain(aggregator);

        Assert.DoesNotContain("CPUUtilization ClusterName=prod ServiceName=web", points.Keys);
        Assert.Contains("MemoryUtilization ClusterName=prod ServiceName=web", points.Keys);
    }

    [Fact]
    public void Only_finished_minutes_are_drained_and_each_once()
    {
        var aggregator = new UtilizationAggregator();
        aggregator.Add(Sample("a", "service:web", 512, 512, seconds: 10));
        aggregator.Add(Sample("a", "service:web", 512, 512, seconds: 70));

        var first = aggregator.Drain(Minute.AddMinutes(1), _ => null);
        var again = aggregator.Drain(Minute.AddMinutes(1), _ => null);

        Assert.All(first, p => Assert.Equal(Minute, p.Point.Timestamp));
        Assert.All(first, p => Assert.Equal("123456789012/eu-west-1", p.Scope));
        Assert.NotEmpty(first);
        Assert.Empty(again);
        Assert.Equal([Cluster], aggregator.Clusters);
    }
}
