using Berth.Core.Ecs;
using Berth.Core.Express;

namespace Berth.Core.Tests.Express;

public class ExpressGatewayPlanTests
{
    private const string BalancerArn = "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/ecs-express-0123456789abcdef/50dc6c495c0c9188";
    private const string GroupArn = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/ecs-express-0123456789abcdef/943f017f100becff";

    private static ExpressGatewayServiceConfiguration Configuration(ExpressGatewayContainer container) => ExpressGatewayRules.Create(new CreateExpressGatewayServiceRequest
    {
        ExecutionRoleArn = "arn:aws:iam::000000000000:role/exec",
        InfrastructureRoleArn = "arn:aws:iam::000000000000:role/infra",
        TaskRoleArn = "arn:aws:iam::000000000000:role/app",
        PrimaryContainer = container,
    }, DateTimeOffset.UnixEpoch);

    [Fact]
    public void The_task_definition_is_fargate_shaped_with_one_essential_container_on_the_port()
    {
        var request = ExpressGatewayPlan.TaskDefinition("web", Configuration(new ExpressGatewayContainer
        {
            Image = "berth/sample-web",
            ContainerPort = 8080,
            Command = ["serve"],
            AwsLogsConfiguration = new ExpressGatewayServiceAwsLogsConfiguration { LogGroup = "/ecs/web" },
        }));

        Assert.Equal(("web", "awsvpc", "256", "512"), (request.Family, request.NetworkMode, request.Cpu, request.Memory));
        Assert.Equal(["FARGATE"], request.RequiresCompatibilities!);
        Assert.Equal("arn:aws:iam::000000000000:role/app", request.TaskRoleArn);
        var container = Assert.Single(request.ContainerDefinitions!);
        Assert.Equal(("main", "berth/sample-web", true), (container.Name, container.Image, container.Essential));
        Assert.Equal(8080, Assert.Single(container.PortMappings!).ContainerPort);
        Assert.Equal(["serve"], container.Command!);
        Assert.Equal("awslogs", container.LogConfiguration!.LogDriver);
        Assert.Equal("/ecs/web", container.LogConfiguration.Options!["awslogs-group"]);
        Assert.Equal("ecs", container.LogConfiguration.Options["awslogs-stream-prefix"]);
    }

    [Fact]
    public void Without_a_logs_configuration_the_container_logs_nowhere_new()
    {
        var container = ExpressGatewayPlan.TaskDefinition("web", Configuration(new ExpressGatewayContainer { Image = "x" })).ContainerDefinitions![0];

        Assert.Null(container.LogConfiguration);
    }

    [Theory]
    [InlineData("AVERAGE_CPU", "ECSServiceAverageCPUUtilization", null)]
    [InlineData("AVERAGE_MEMORY", "ECSServiceAverageMemoryUtilization", null)]
    [InlineData("REQUEST_COUNT_PER_TARGET", "ALBRequestCountPerTarget",
        "app/ecs-express-0123456789abcdef/50dc6c495c0c9188/targetgroup/ecs-express-0123456789abcdef/943f017f100becff")]
    public void Each_express_metric_is_a_predefined_target_tracking_metric(string metric, string predefined, string? label)
    {
        var policy = ExpressGatewayPlan.ScalingPolicy("service/default/web",
            new ExpressGatewayScalingTarget { MinTaskCount = 1, MaxTaskCount = 4, AutoScalingMetric = metric, AutoScalingTargetValue = 75 }, BalancerArn, GroupArn);

        Assert.Equal(("TargetTrackingScaling", "ecs", "ecs:service:DesiredCount"), (policy.PolicyType, policy.ServiceNamespace, policy.ScalableDimension));
        Assert.Equal(75, policy.TargetTrackingScalingPolicyConfiguration!.TargetValue);
        Assert.Equal(predefined, policy.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification!.PredefinedMetricType);
        Assert.Equal(label, policy.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.ResourceLabel);
    }

    [Fact]
    public void The_service_runs_the_minimum_on_fargate_behind_the_target_group_in_the_default_subnets_unless_given_some()
    {
        var configuration = Configuration(new ExpressGatewayContainer { Image = "x" });

        var service = ExpressGatewayPlan.Service("cluster-arn", "web", "td-arn", GroupArn, configuration, ["subnet-a", "subnet-b"], []);

        Assert.Equal(("FARGATE", 1, "td-arn"), (service.LaunchType, service.DesiredCount, service.TaskDefinition));
        Assert.Equal(["subnet-a", "subnet-b"], service.NetworkConfiguration!.AwsvpcConfiguration!.Subnets!);
        Assert.Null(service.Tags);
        var balancer = Assert.Single(service.LoadBalancers!);
        Assert.Equal((GroupArn, "main", 80), (balancer.TargetGroupArn, balancer.ContainerName, balancer.ContainerPort));

        var own = configuration with { NetworkConfiguration = new ExpressGatewayServiceNetworkConfiguration { Subnets = ["subnet-own"], SecurityGroups = ["sg-web"] } };
        var network = ExpressGatewayPlan.Network(own, ["subnet-a"]).AwsvpcConfiguration!;
        Assert.Equal(["subnet-own"], network.Subnets!);
        Assert.Equal(["sg-web"], network.SecurityGroups!);
    }

    [Fact]
    public void The_target_group_checks_the_health_check_path_and_the_endpoint_is_the_loopback_listener()
    {
        var configuration = Configuration(new ExpressGatewayContainer { Image = "x", ContainerPort = 3000 }) with { HealthCheckPath = "/health" };

        var group = ExpressGatewayPlan.TargetGroup("ecs-express-0123456789abcdef", "vpc-berth-local", configuration);

        Assert.Equal(("ip", 3000, "/health", "200"), (group.TargetType, group.Port, group.HealthCheckPath, group.Matcher!.HttpCode));
        Assert.Equal("http://127.0.0.1:41234", ExpressGatewayPlan.Endpoint(41234));
    }
}
