using Berth.Core.Arns;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Validation;

namespace Berth.Core.Services;

/// <summary>
/// CreateService's pure part: validation of the request against its task definition, and the new ACTIVE service
/// with its first PRIMARY deployment, as DescribeServices will show it.
/// </summary>
public static class ServiceFactory
{
    /// <summary>
    /// What the handler resolved before asking for a service: where it lives and what it runs, on a launch type or on
    /// a capacity provider strategy (then ECS reports the strategy and no launch type).
    /// </summary>
    /// <remarks>An EXTERNAL service has neither task definition nor launch type: its task sets have them.</remarks>
    public sealed record Placement(
        ResourceScope Scope, Cluster Cluster, TaskDefinition? Definition, string? LaunchType,
        IReadOnlyList<CapacityProviderStrategyItem>? Strategy = null);

    /// <param name="request">A request that passed <see cref="ValidateRequest"/>.</param>
    public static Service Create(CreateServiceRequest request, Placement placement, string deploymentId, string createdBy, DateTimeOffset now)
    {
        if (placement.Definition is { } definition)
        {
            ValidateLoadBalancers(request.LoadBalancers, definition);
        }
        var strategy = request.SchedulingStrategy ?? SchedulingStrategies.Replica;
        var cluster = placement.Cluster;
        var service = new Service
        {
            ServiceArn = placement.Scope.ServiceArn(cluster.ClusterName!, request.ServiceName!),
            ServiceName = request.ServiceName,
            ClusterArn = cluster.ClusterArn,
            LoadBalancers = request.LoadBalancers ?? [],
            ServiceRegistries = [],
            Status = ServiceStatuses.Active,
            // A daemon service's desired count is the number of eligible instances; the scheduler fills it in.
            DesiredCount = strategy == SchedulingStrategies.Daemon ? 0 : request.DesiredCount ?? 0,
            RunningCount = 0,
            PendingCount = 0,
            LaunchType = placement.Strategy is null ? placement.LaunchType : null,
            CapacityProviderStrategy = placement.Strategy,
            // A Fargate service reports the version it asked for (LATEST by default); its tasks report 1.4.0.
            PlatformVersion = placement.LaunchType == Capacity.FargateRules.LaunchType ? request.PlatformVersion ?? "LATEST" : null,
            PlatformFamily = placement.LaunchType == Capacity.FargateRules.LaunchType ? Capacity.FargateRules.PlatformFamily : null,
            TaskDefinition = placement.Definition?.TaskDefinitionArn,
            DeploymentConfiguration = ServiceRules.EffectiveDeploymentConfiguration(request.DeploymentConfiguration, strategy),
            RoleArn = RoleArnOf(placement.Scope, request.Role),
            Events = [],
            CreatedAt = now,
            PlacementConstraints = request.PlacementConstraints ?? [],
            PlacementStrategy = request.PlacementStrategy ?? [],
            NetworkConfiguration = request.NetworkConfiguration,
            HealthCheckGracePeriodSeconds = request.HealthCheckGracePeriodSeconds ?? 0,
            SchedulingStrategy = strategy,
            DeploymentController = new DeploymentController { Type = request.DeploymentController?.Type ?? "ECS" },
            Tags = request.Tags ?? [],
            CreatedBy = createdBy,
            EnableECSManagedTags = request.EnableECSManagedTags ?? false,
            PropagateTags = request.PropagateTags ?? "NONE",
            EnableExecuteCommand = request.EnableExecuteCommand ?? false,
        };
        service = service with { AvailabilityZoneRebalancing = AzRebalancing.ForCreate(request.AvailabilityZoneRebalancing, service) };
        // An EXTERNAL service starts with no deployment and no task set: its controller creates task sets. A CODE_DEPLOY
        // service starts with its first task set, which takes the id a first deployment would have.
        return ExternalController.Is(service) ? service with { Deployments = [], TaskSets = [] }
            : CodeDeployController.Is(service) ? service with { Deployments = [], TaskSets = [CodeDeployController.InitialTaskSet(service, deploymentId, now)] }
            : ServiceRules.StartDeployment(service, deploymentId, now);
    }

    /// <summary>
    /// The checks of CreateService that need neither the store nor the task definition, made before the definition is
    /// looked up: as in ECS, a refused deployment controller is named before a missing task definition. Features Berth
    /// does not run are refused by name rather than stored and silently ignored.
    /// </summary>
    public static void ValidateRequest(CreateServiceRequest request)
    {
        Require.Name(request.ServiceName, "serviceName");
        ServiceRules.ValidateCreateService(request);
        Require.InRange(request.HealthCheckGracePeriodSeconds, 0, int.MaxValue, "healthCheckGracePeriodSeconds");
        Require.OneOf(request.PropagateTags, EcsEnums.PropagateTags, "propagateTags");
        Require.OneOf(request.AvailabilityZoneRebalancing, EcsEnums.AvailabilityZoneRebalancing, "availabilityZoneRebalancing");
        TagRules.Validate(request.Tags);
        Require.ClientToken(request.ClientToken, 36);
        ExternalController.ValidateType(request.DeploymentController);
        ExternalController.ValidateCreateService(request);
        CodeDeployController.ValidateCreateService(request);
        DeploymentStrategies.Validate(request.DeploymentController?.Type, request.DeploymentConfiguration, request.DeploymentConfiguration, request.LoadBalancers);
        if (request.ServiceRegistries is { Count: > 0 } || request.ServiceConnectConfiguration is not null)
        {
            throw new UnsupportedFeatureException("Berth does not support service discovery (serviceRegistries, serviceConnectConfiguration) yet.");
        }
        if (request.VolumeConfigurations is { Count: > 0 } || request.VpcLatticeConfigurations is { Count: > 0 })
        {
            throw new UnsupportedFeatureException("Berth does not support volumeConfigurations or vpcLatticeConfigurations.");
        }
    }

    /// <summary>
    /// Each load balancer names a target group and a container port the task definition exposes (the checks against
    /// the target group itself need the ELB state: LoadBalancerChecks in Berth.Api).
    /// </summary>
    public static void ValidateLoadBalancers(IReadOnlyList<LoadBalancer>? loadBalancers, TaskDefinition definition)
    {
        foreach (var balancer in loadBalancers ?? [])
        {
            if (balancer.LoadBalancerName is not null)
            {
                throw new UnsupportedFeatureException("Berth does not support Classic Load Balancers; use targetGroupArn.");
            }
            Require.NotBlank(balancer.TargetGroupArn, "loadBalancers.targetGroupArn");
            var containerName = Require.NotBlank(balancer.ContainerName, "loadBalancers.containerName");
            var container = definition.ContainerDefinitions?.FirstOrDefault(c => c.Name == containerName)
                ?? throw new InvalidParameterException($"The container {containerName} does not exist in the task definition.");
            if (balancer.ContainerPort is not { } port || container.PortMappings?.Any(p => p.ContainerPort == port) != true)
            {
                throw new InvalidParameterException($"The container {containerName} did not have a container port {balancer.ContainerPort} defined.");
            }
        }
    }

    /// <summary>
    /// CreateService's <c>role</c> as the ARN ECS reports: ECS accepts a name (with its path, if any), a role of the
    /// caller's account, or an ARN.
    /// </summary>
    public static string? RoleArnOf(ResourceScope scope, string? role) =>
        role is null || role.StartsWith("arn:", StringComparison.Ordinal) ? role : $"arn:{scope.Partition}:iam::{scope.AccountId}:role/{role}";
}
