using System.Globalization;
using Berth.Core.AutoScaling;
using Berth.Core.Ecs;
using Berth.Core.Elb;
using Berth.Core.Networking;
using EcsTag = Berth.Core.Ecs.Tag;
using ElbTag = Berth.Core.Elb.Tag;

namespace Berth.Core.Express;

/// <summary>
/// What an Express service configuration becomes in Berth's own APIs: the requests of RegisterTaskDefinition,
/// CreateTargetGroup, CreateLoadBalancer, CreateListener, CreateService, RegisterScalableTarget and PutScalingPolicy
/// that provision it. Pure, so the mapping is tested without a server; the handler sends the requests.
/// </summary>
public static class ExpressGatewayPlan
{
    /// <summary>The one container of an Express task definition.</summary>
    public const string ContainerName = "main";

    /// <summary>The target tracking policy Berth puts on an Express service's scalable target.</summary>
    public const string PolicyName = "express-gateway-target-tracking";

    /// <summary>
    /// Target group health checks every 5 s (ALB's minimum), healthy after 2 passes, and a 30 s deregistration delay:
    /// an Express deployment waits for ELB health before it drains the old tasks, and ELB's defaults (30 s, 5 passes,
    /// 300 s) would make every deployment take minutes.
    /// </summary>
    private const int HealthCheckIntervalSeconds = 5;

    private const int HealthyThreshold = 2;
    public const string DeregistrationDelaySeconds = "30";

    /// <summary>Berth serves every listener on 127.0.0.1, reachable from this machine only: what ELB calls internal.</summary>
    public const string Scheme = "internal";

    private static readonly Dictionary<string, string> PredefinedMetrics = new(StringComparer.Ordinal)
    {
        ["AVERAGE_CPU"] = "ECSServiceAverageCPUUtilization",
        ["AVERAGE_MEMORY"] = "ECSServiceAverageMemoryUtilization",
        ["REQUEST_COUNT_PER_TARGET"] = "ALBRequestCountPerTarget",
    };

    /// <summary>A Fargate-shaped task definition of the family named after the service, one essential container.</summary>
    public static RegisterTaskDefinitionRequest TaskDefinition(string serviceName, ExpressGatewayServiceConfiguration configuration)
    {
        var container = configuration.PrimaryContainer!;
        return new RegisterTaskDefinitionRequest
        {
            Family = serviceName,
            NetworkMode = AwsvpcRules.NetworkMode,
            RequiresCompatibilities = ["FARGATE"],
            Cpu = configuration.Cpu,
            Memory = configuration.Memory,
            ExecutionRoleArn = configuration.ExecutionRoleArn,
            TaskRoleArn = configuration.TaskRoleArn,
            ContainerDefinitions =
            [
                new ContainerDefinition
                {
                    Name = ContainerName,
                    Image = container.Image,
                    Essential = true,
                    PortMappings = [new PortMapping { ContainerPort = container.ContainerPort, Protocol = "tcp" }],
                    Command = container.Command,
                    Environment = container.Environment,
                    Secrets = container.Secrets,
                    RepositoryCredentials = container.RepositoryCredentials is { } credentials
                        ? new RepositoryCredentials { CredentialsParameter = credentials.CredentialsParameter }
                        : null,
                    LogConfiguration = container.AwsLogsConfiguration is { } logs
                        ? new LogConfiguration
                        {
                            LogDriver = "awslogs",
                            Options = new Dictionary<string, string>(StringComparer.Ordinal)
                            {
                                ["awslogs-group"] = logs.LogGroup ?? "",
                                ["awslogs-stream-prefix"] = logs.LogStreamPrefix ?? "ecs",
                                ["awslogs-create-group"] = "true",
                            },
                        }
                        : null,
                },
            ],
        };
    }

    /// <summary>An ip target group (awsvpc tasks) on the container port, health-checked on the Express health check path.</summary>
    public static CreateTargetGroupInput TargetGroup(string name, string vpcId, ExpressGatewayServiceConfiguration configuration) => new()
    {
        Name = name,
        Protocol = "HTTP",
        Port = configuration.PrimaryContainer!.ContainerPort,
        VpcId = vpcId,
        TargetType = "ip",
        HealthCheckPath = configuration.HealthCheckPath,
        HealthCheckIntervalSeconds = HealthCheckIntervalSeconds,
        HealthyThresholdCount = HealthyThreshold,
        Matcher = new Matcher { HttpCode = "200" },
    };

    /// <summary>An internal application load balancer (<see cref="Scheme"/>).</summary>
    public static CreateLoadBalancerInput LoadBalancer(string name, IReadOnlyList<string> subnets, IReadOnlyList<EcsTag> tags) => new()
    {
        Name = name,
        Type = "application",
        Scheme = Scheme,
        Subnets = subnets,
        Tags = [.. tags.Select(t => new ElbTag { Key = t.Key, Value = t.Value })],
    };

    public static CreateListenerInput Listener(string loadBalancerArn, int port, string targetGroupArn) => new()
    {
        LoadBalancerArn = loadBalancerArn,
        Protocol = "HTTP",
        Port = port,
        DefaultActions = [new ElbAction { Type = "forward", TargetGroupArn = targetGroupArn }],
    };

    /// <summary>A FARGATE replica service at the minimum task count, behind the target group, with the Express tags.</summary>
    public static CreateServiceRequest Service(
        string clusterArn, string serviceName, string taskDefinitionArn, string targetGroupArn, ExpressGatewayServiceConfiguration configuration,
        IReadOnlyList<string> subnets, IReadOnlyList<EcsTag> tags) => new()
        {
            Cluster = clusterArn,
            ServiceName = serviceName,
            TaskDefinition = taskDefinitionArn,
            DesiredCount = configuration.ScalingTarget!.MinTaskCount,
            LaunchType = "FARGATE",
            NetworkConfiguration = Network(configuration, subnets),
            LoadBalancers = [new Ecs.LoadBalancer { TargetGroupArn = targetGroupArn, ContainerName = ContainerName, ContainerPort = configuration.PrimaryContainer!.ContainerPort }],
            Tags = tags.Count > 0 ? tags : null,
        };

    /// <summary>The awsvpc configuration of the tasks: the given subnets and groups, else the default VPC's subnets.</summary>
    public static NetworkConfiguration Network(ExpressGatewayServiceConfiguration configuration, IReadOnlyList<string> defaultSubnets) => new()
    {
        AwsvpcConfiguration = new AwsVpcConfiguration
        {
            Subnets = configuration.NetworkConfiguration?.Subnets ?? defaultSubnets,
            SecurityGroups = configuration.NetworkConfiguration?.SecurityGroups,
            AssignPublicIp = "DISABLED",
        },
    };

    public static RegisterScalableTargetRequest ScalableTarget(string resourceId, ExpressGatewayScalingTarget scaling) => new()
    {
        ServiceNamespace = "ecs",
        ResourceId = resourceId,
        ScalableDimension = "ecs:service:DesiredCount",
        MinCapacity = scaling.MinTaskCount,
        MaxCapacity = scaling.MaxTaskCount,
    };

    /// <summary>Target tracking on the Express metric; request count per target needs the load balancer's resource label.</summary>
    public static PutScalingPolicyRequest ScalingPolicy(string resourceId, ExpressGatewayScalingTarget scaling, string loadBalancerArn, string targetGroupArn)
    {
        var metric = PredefinedMetricOf(scaling.AutoScalingMetric!);
        return new PutScalingPolicyRequest
        {
            PolicyName = PolicyName,
            ServiceNamespace = "ecs",
            ResourceId = resourceId,
            ScalableDimension = "ecs:service:DesiredCount",
            PolicyType = "TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration = new TargetTrackingScalingPolicyConfiguration
            {
                TargetValue = scaling.AutoScalingTargetValue,
                PredefinedMetricSpecification = new PredefinedMetricSpecification
                {
                    PredefinedMetricType = metric,
                    ResourceLabel = metric == "ALBRequestCountPerTarget" ? ResourceLabel(loadBalancerArn, targetGroupArn) : null,
                },
            },
        };
    }

    /// <summary>Application Auto Scaling's predefined metric of an Express metric (AVERAGE_CPU → ECSServiceAverageCPUUtilization).</summary>
    public static string PredefinedMetricOf(string autoScalingMetric) => PredefinedMetrics[autoScalingMetric];

    /// <summary>ALB's resource label: <c>app/NAME/ID/targetgroup/NAME/ID</c>, from the two ARNs.</summary>
    public static string ResourceLabel(string loadBalancerArn, string targetGroupArn) =>
        $"{loadBalancerArn[(loadBalancerArn.IndexOf(":loadbalancer/", StringComparison.Ordinal) + ":loadbalancer/".Length)..]}/"
        + targetGroupArn[(targetGroupArn.IndexOf(":targetgroup/", StringComparison.Ordinal) + 1)..];

    /// <summary>The listener's address on this machine: the endpoint Berth reports (ELB's DNS name would not resolve here).</summary>
    public static string Endpoint(int port) => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");
}
