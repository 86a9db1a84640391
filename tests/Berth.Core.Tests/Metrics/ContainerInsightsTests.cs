using Berth.Core.Ecs;
using Berth.Core.Metrics;

namespace Berth.Core.Tests.Metrics;

public class ContainerInsightsTests
{
    private const string ClusterArn = "arn:aws:ecs:eu-west-1:123456789012:cluster/prod";
    private static readonly DateTimeOffset Minute = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static Cluster ClusterWith(string? insights, string status = "ACTIVE") => new()
    {
        ClusterArn = ClusterArn,
        ClusterName = "prod",
        Status = status,
        Settings = insights is null ? [] : [new ClusterSetting { Name = "containerInsights", Value = insights }],
    };

    private static EcsTask Task(string status, string? group = "service:web") =>
        new() { TaskArn = $"arn:aws:ecs:eu-west-1:123456789012:task/prod/{Guid.NewGuid():N}", LastStatus = status, Group = group };

    private static Service Service(string name, int desired, string status = "ACTIVE", int deployments = 1) => new()
    {
        ServiceName = name,
        Status = status,
        DesiredCount = desired,
        Deployments = Enumerable.Range(0, deployments).Select(i => new Deployment { Id = $"ecs-svc/{i}" }).ToList(),
    };

    private static Dictionary<string, double> Count(IReadOnlyList<Service>? services = null, IReadOnlyList<EcsTask>? tasks = null,
        IReadOnlyList<ContainerInstance>? instances = null)
    {
        var points = ContainerInsights.Count(new ClusterCountSnapshot(ClusterWith("enabled"), services ?? [], tasks ?? [], instances ?? []), Minute);
        Assert.All(points, p =>
        {
            Assert.Equal("123456789012/eu-west-1", p.Scope);
            Assert.Equal((ContainerInsights.Namespace, Minute, "Count", 1d), (p.Point.Series.Namespace, p.Point.Timestamp, p.Point.Unit, p.Point.Value.Count));
        });
        return points.ToDictionary(p => $"{p.Point.Series.MetricName} {p.Point.Series.DimensionsKey.Replace('\n', ' ')}", p => p.Point.Value.Sum);
    }

    [Theory]
    [InlineData("enabled", "ACTIVE", true)]
    [InlineData("enhanced", "ACTIVE", true)]
    [InlineData("disabled", "ACTIVE", false)]
    [InlineData(null, "ACTIVE", false)]
    [InlineData("enabled", "INACTIVE", false)]
    public void Counts_are_published_for_active_clusters_with_the_setting_enabled_or_enhanced(string? value, string status, bool enabled)
    {
        Assert.Equal(enabled, ContainerInsights.IsEnabled(ClusterWith(value, status)));
    }

    [Fact]
    public void The_last_value_of_the_setting_wins()
    {
        var cluster = ClusterWith("disabled") with
        {
            Settings = [new ClusterSetting { Name = "containerInsights", Value = "disabled" }, new ClusterSetting { Name = "containerInsights", Value = "enabled" }],
        };
        Assert.True(ContainerInsights.IsEnabled(cluster));
    }

    [Fact]
    public void An_empty_cluster_publishes_zero_cluster_counts_and_no_service_counts()
    {
        Assert.Equal(new Dictionary<string, double>
        {
            ["ContainerInstanceCount ClusterName=prod"] = 0,
            ["ServiceCount ClusterName=prod"] = 0,
            ["TaskCount ClusterName=prod"] = 0,
        }, Count());
    }

    [Fact]
    public void Service_counts_split_running_from_pending_and_ignore_stopped_tasks()
    {
        var counts = Count(
            services: [Service("web", desired: 4)],
            tasks: [Task("RUNNING"), Task("RUNNING"), Task("PENDING"), Task("PROVISIONING"), Task("ACTIVATING"), Task("STOPPED"), Task("DEACTIVATING")]);

        Assert.Equal(4, counts["DesiredTaskCount ClusterName=prod ServiceName=web"]);
        Assert.Equal(2, counts["RunningTaskCount ClusterName=prod ServiceName=web"]);
        Assert.Equal(3, counts["PendingTaskCount ClusterName=prod ServiceName=web"]);
        Assert.Equal(1, counts["DeploymentCount ClusterName=prod ServiceName=web"]);
        Assert.Equal(0, counts["TaskSetCount ClusterName=prod ServiceName=web"]);
    }

    [Fact]
    public void Cluster_task_count_is_running_tasks_of_every_group()
    {
        var counts = Count(tasks: [Task("RUNNING"), Task("RUNNING", group: "family:batch"), Task("RUNNING", group: null), Task("PENDING"), Task("STOPPED")]);

        Assert.Equal(3, counts["TaskCount ClusterName=prod"]);
    }

    [Fact]
    public void Tasks_are_counted_for_their_own_service_only()
    {
        var counts = Count(
            services: [Service("web", 1), Service("api", 2)],
            tasks: [Task("RUNNING", "service:web"), Task("RUNNING", "service:api"), Task("RUNNING", "service:api"), Task("RUNNING", "service:gone")]);

        Assert.Equal(1, counts["RunningTaskCount ClusterName=prod ServiceName=web"]);
        Assert.Equal(2, counts["RunningTaskCount ClusterName=prod ServiceName=api"]);
        Assert.DoesNotContain(counts.Keys, k => k.Contains("ServiceName=gone", StringComparison.Ordinal));
    }

    [Fact]
    public void Draining_services_keep_their_service_counts_but_leave_the_service_count()
    {
        var counts = Count(services: [Service("web", 0, status: "DRAINING"), Service("api", 1), Service("old", 0, status: "INACTIVE")],
            tasks: [Task("RUNNING", "service:web")]);

        Assert.Equal(1, counts["ServiceCount ClusterName=prod"]);
        Assert.Equal(1, counts["RunningTaskCount ClusterName=prod ServiceName=web"]);
        Assert.DoesNotContain(counts.Keys, k => k.Contains("ServiceName=old", StringComparison.Ordinal));
    }

    [Fact]
    public void A_rolling_deployment_shows_two_deployments()
    {
        Assert.Equal(2, Count(services: [Service("web", 2, deployments: 2)])["DeploymentCount ClusterName=prod ServiceName=web"]);
    }

    [Theory]
    [InlineData("ACTIVE", 1)]
    [InlineData("DRAINING", 1)]
    [InlineData("INACTIVE", 0)]
    [InlineData("REGISTERING", 0)]
    public void Container_instances_count_while_registered(string status, int expected)
    {
        Assert.Equal(expected, Count(instances: [new ContainerInstance { Status = status }])["ContainerInstanceCount ClusterName=prod"]);
    }
}
