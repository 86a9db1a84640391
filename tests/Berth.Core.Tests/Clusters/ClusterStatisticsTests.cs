using Berth.Core.Clusters;
using Berth.Core.Ecs;

namespace Berth.Core.Tests.Clusters;

public class ClusterStatisticsTests
{
    private static EcsTask TaskOf(string launchType, string status) => new() { LaunchType = launchType, LastStatus = status };

    private static Service ServiceOf(string status, string? launchType = null, string? provider = null) => new()
    {
        Status = status,
        LaunchType = launchType,
        CapacityProviderStrategy = provider is null ? null : [new() { CapacityProvider = provider, Weight = 1 }],
    };

    [Fact]
    public void Tasks_count_under_the_launch_type_they_report()
    {
        var statistics = ClusterStatistics.Of(
            [TaskOf("EC2", "RUNNING"), TaskOf("FARGATE", "RUNNING"), TaskOf("FARGATE", "RUNNING"), TaskOf("FARGATE", "PENDING"), TaskOf("EC2", "PROVISIONING"), TaskOf("EC2", "ACTIVATING")],
            []);

        Assert.Equal(new ClusterStatistics(1, 2, 2, 1, 0, 0, 0, 0), statistics);
    }

    [Fact]
    public void Stopping_and_stopped_tasks_are_neither_running_nor_pending()
    {
        var statistics = ClusterStatistics.Of([TaskOf("FARGATE", "STOPPING"), TaskOf("EC2", "DEPROVISIONING"), TaskOf("EC2", "STOPPED")], []);

        Assert.Equal(new ClusterStatistics(0, 0, 0, 0, 0, 0, 0, 0), statistics);
    }

    [Fact]
    public void A_service_on_fargate_providers_counts_as_fargate_and_one_on_group_providers_as_ec2()
    {
        var statistics = ClusterStatistics.Of([],
        [
            ServiceOf("ACTIVE", provider: "FARGATE_SPOT"),
            ServiceOf("ACTIVE", provider: "asg-web"),
            ServiceOf("ACTIVE", launchType: "FARGATE"),
            ServiceOf("ACTIVE", launchType: "EC2"),
            ServiceOf("DRAINING", provider: "FARGATE"),
            ServiceOf("DRAINING"),
            ServiceOf("INACTIVE", launchType: "FARGATE"),
        ]);

        Assert.Equal(new ClusterStatistics(0, 0, 0, 0, 2, 2, 1, 1), statistics);
    }

    [Fact]
    public void The_counts_are_listed_with_ecs_names_in_ecs_order()
    {
        var pairs = new ClusterStatistics(1, 2, 3, 4, 5, 6, 7, 8).ToKeyValuePairs().Select(p => $"{p.Name}={p.Value}");

        Assert.Equal(
        [
            "runningEC2TasksCount=1", "runningFargateTasksCount=2", "pendingEC2TasksCount=3", "pendingFargateTasksCount=4",
            "activeEC2ServiceCount=5", "activeFargateServiceCount=6", "drainingEC2ServiceCount=7", "drainingFargateServiceCount=8",
        ], pairs);
    }
}
