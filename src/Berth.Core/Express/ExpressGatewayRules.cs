using System.Security.Cryptography;
using System.Text;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Validation;

namespace Berth.Core.Express;

/// <summary>
/// The rules of Express services (CreateExpressGatewayService and UpdateExpressGatewayService in the ECS API
/// reference): the defaults the model's documentation gives, the checks, and how a configuration merges an update.
/// What the configuration turns into (task definition, target group, scaling policy) is <see cref="ExpressGatewayPlan"/>.
/// </summary>
public static class ExpressGatewayRules
{
    /// <summary>"If not specified, the default health check path is /ping."</summary>
    public const string DefaultHealthCheckPath = "/ping";

    /// <summary>"You can also configure the container port (defaults to 80)."</summary>
    public const int DefaultContainerPort = 80;

    /// <summary>"The default value for an Express service is 256 (.25 vCPU)" and "512 MiB" (the model's documentation).</summary>
    public const string DefaultCpu = "256";

    public const string DefaultMemory = "512";

    /// <summary>"The default metric used for an Express service is CPUUtilization"; "the default target value … is 60".</summary>
    public const string DefaultMetric = "AVERAGE_CPU";

    public const int DefaultTargetValue = 60;

    /// <summary>The reference gives no task counts; Berth starts one task and lets the policy scale to 20.</summary>
    public const int DefaultMinTasks = 1;

    public const int DefaultMaxTasks = 20;

    /// <summary>The checks and defaults of a create request; the configuration has no revision yet.</summary>
    public static ExpressGatewayServiceConfiguration Create(CreateExpressGatewayServiceRequest request, DateTimeOffset now)
    {
        Require.NotBlank(request.ExecutionRoleArn, "executionRoleArn");
        Require.NotBlank(request.InfrastructureRoleArn, "infrastructureRoleArn");
        if (request.ServiceName is not null)
        {
            Require.Name(request.ServiceName, "serviceName");
        }
        TagRules.Validate(request.Tags);
        return Validated(new ExpressGatewayServiceConfiguration
        {
            ExecutionRoleArn = request.ExecutionRoleArn,
            TaskRoleArn = request.TaskRoleArn,
            Cpu = request.Cpu ?? DefaultCpu,
            Memory = request.Memory ?? DefaultMemory,
            NetworkConfiguration = request.NetworkConfiguration,
            HealthCheckPath = request.HealthCheckPath ?? DefaultHealthCheckPath,
            PrimaryContainer = WithDefaults(request.PrimaryContainer ?? throw new InvalidParameterException("primaryContainer can not be blank.")),
            ScalingTarget = Merge(null, request.ScalingTarget),
            CreatedAt = now,
        });
    }

    /// <summary>
    /// The configuration an update asks for: each given member replaces the current one (the primary container as a
    /// whole, the scaling target member by member). Null when nothing changes, so an empty update starts no deployment.
    /// </summary>
    public static ExpressGatewayServiceConfiguration? Update(ExpressGatewayServiceConfiguration current, UpdateExpressGatewayServiceRequest request, DateTimeOffset now)
    {
        var next = Validated(current with
        {
            ExecutionRoleArn = request.ExecutionRoleArn ?? current.ExecutionRoleArn,
            TaskRoleArn = request.TaskRoleArn ?? current.TaskRoleArn,
            Cpu = request.Cpu ?? current.Cpu,
            Memory = request.Memory ?? current.Memory,
            NetworkConfiguration = request.NetworkConfiguration ?? current.NetworkConfiguration,
            HealthCheckPath = request.HealthCheckPath ?? current.HealthCheckPath,
            PrimaryContainer = request.PrimaryContainer is { } container ? WithDefaults(container) : current.PrimaryContainer,
            ScalingTarget = Merge(current.ScalingTarget, request.ScalingTarget),
        });
        return SameSettings(next, current) ? null : next with { ServiceRevisionArn = null, CreatedAt = now };
    }

    /// <summary>Whether the tasks differ, so that the ECS service needs a new revision (a deployment).</summary>
    public static bool TasksDiffer(ExpressGatewayServiceConfiguration next, ExpressGatewayServiceConfiguration current) =>
        next.ExecutionRoleArn != current.ExecutionRoleArn || next.TaskRoleArn != current.TaskRoleArn || next.Cpu != current.Cpu
        || next.Memory != current.Memory || !SameContainer(next.PrimaryContainer!, current.PrimaryContainer!)
        || !SameNetwork(next.NetworkConfiguration, current.NetworkConfiguration);

    /// <summary>
    /// The name of the load balancer and target group an Express service provisions: ELB allows 32 letters, digits and
    /// hyphens, so the name is derived from the service ARN — the same on a retried create, so ELB's idempotent
    /// creates return the resources a failed attempt made instead of a second set.
    /// </summary>
    public static string ResourceName(string serviceArn)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(serviceArn));
        return $"ecs-express-{Convert.ToHexStringLower(hash)[..16]}";
    }

    /// <summary>The scalable target's resource id: Application Auto Scaling's <c>service/CLUSTER/SERVICE</c>.</summary>
    public static string ScalableResourceId(string clusterName, string serviceName) => $"service/{clusterName}/{serviceName}";

    private static ExpressGatewayServiceConfiguration Validated(ExpressGatewayServiceConfiguration configuration)
    {
        var container = configuration.PrimaryContainer!;
        Require.NotBlank(container.Image, "primaryContainer.image");
        Require.InRange(container.ContainerPort, 1, 65535, "primaryContainer.containerPort");
        Require.That(configuration.HealthCheckPath!.StartsWith('/'), "healthCheckPath must start with a forward slash (/).");
        var scaling = configuration.ScalingTarget!;
        Require.OneOf(scaling.AutoScalingMetric, EcsEnums.ExpressGatewayServiceScalingMetric, "scalingTarget.autoScalingMetric");
        Require.That(scaling.MinTaskCount >= 0, "scalingTarget.minTaskCount must be 0 or more.");
        Require.That(scaling.MaxTaskCount >= 1 && scaling.MaxTaskCount >= scaling.MinTaskCount,
            "scalingTarget.maxTaskCount must be at least 1 and at least minTaskCount.");
        Require.That(scaling.AutoScalingTargetValue > 0, "scalingTarget.autoScalingTargetValue must be greater than 0.");
        if (configuration.NetworkConfiguration is { Subnets: { Count: 0 } })
        {
            throw new InvalidParameterException("subnets can not be empty.");
        }
        return configuration;
    }

    private static ExpressGatewayContainer WithDefaults(ExpressGatewayContainer container) =>
        container with { ContainerPort = container.ContainerPort ?? DefaultContainerPort };

    private static ExpressGatewayScalingTarget Merge(ExpressGatewayScalingTarget? current, ExpressGatewayScalingTarget? change) => new()
    {
        MinTaskCount = change?.MinTaskCount ?? current?.MinTaskCount ?? DefaultMinTasks,
        MaxTaskCount = change?.MaxTaskCount ?? current?.MaxTaskCount ?? DefaultMaxTasks,
        AutoScalingMetric = change?.AutoScalingMetric ?? current?.AutoScalingMetric ?? DefaultMetric,
        AutoScalingTargetValue = change?.AutoScalingTargetValue ?? current?.AutoScalingTargetValue ?? DefaultTargetValue,
    };

    private static bool SameSettings(ExpressGatewayServiceConfiguration a, ExpressGatewayServiceConfiguration b) =>
        !TasksDiffer(a, b) && a.HealthCheckPath == b.HealthCheckPath && a.ScalingTarget == b.ScalingTarget;

    private static bool SameContainer(ExpressGatewayContainer a, ExpressGatewayContainer b) =>
        a.Image == b.Image && a.ContainerPort == b.ContainerPort && a.AwsLogsConfiguration == b.AwsLogsConfiguration
        && a.RepositoryCredentials == b.RepositoryCredentials
        && SameList(a.Command, b.Command) && SameList(a.Environment, b.Environment) && SameList(a.Secrets, b.Secrets);

    private static bool SameNetwork(ExpressGatewayServiceNetworkConfiguration? a, ExpressGatewayServiceNetworkConfiguration? b) =>
        SameList(a?.Subnets, b?.Subnets) && SameList(a?.SecurityGroups, b?.SecurityGroups);

    private static bool SameList<T>(IReadOnlyList<T>? a, IReadOnlyList<T>? b) => (a ?? []).SequenceEqual(b ?? []);
}
