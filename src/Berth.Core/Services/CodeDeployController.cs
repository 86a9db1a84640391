using Berth.Core.Ecs;
using Berth.Core.Errors;

namespace Berth.Core.Services;

/// <summary>
/// The CODE_DEPLOY (blue/green) deployment controller, as far as ECS itself goes. CreateService takes the task
/// definition, network and load balancers as for the ECS controller, but runs them as the service's first task set —
/// PRIMARY, at 100% scale — instead of a deployment, and shows no <c>deployments</c>. Every later deployment is
/// AWS CodeDeploy's: it creates a replacement task set, shifts traffic and removes the original. Berth serves no
/// CodeDeploy API, so such a service keeps its first revision; UpdateService changes only what ECS lets it change and
/// refuses the rest with ECS's own words. The EXTERNAL controller (<see cref="ExternalController"/>) and the ECS
/// controller's BLUE_GREEN strategy (<see cref="DeploymentStrategies"/>) are Berth's ways to deploy blue/green.
/// </summary>
public static class CodeDeployController
{
    public const string Type = "CODE_DEPLOY";

    /// <summary>ECS's closing sentence for everything only a CodeDeploy deployment may change.</summary>
    private const string UseCodeDeploy = "on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.";

    public static bool Is(Service service) => service.DeploymentController?.Type == Type;

    public static bool Is(DeploymentController? controller) => controller?.Type == Type;

    /// <summary>"The CODE_DEPLOY and EXTERNAL deployment controller types don't support the DAEMON scheduling strategy" (ECS developer guide).</summary>
    public static void ValidateCreateService(CreateServiceRequest request)
    {
        if (Is(request.DeploymentController) && request.SchedulingStrategy == SchedulingStrategies.Daemon)
        {
            throw new InvalidParameterException("The CODE_DEPLOY deployment controller does not support the DAEMON scheduling strategy.");
        }
    }

    /// <summary>
    /// "For services using the blue/green (CODE_DEPLOY) deployment controller, only the desired count, deployment
    /// configuration, health check grace period, task placement constraints and strategies, enable ECS managed tags
    /// option, and propagate tags can be updated using this API. If the network configuration, platform version, task
    /// definition, or load balancer need to be updated, create a new CodeDeploy deployment." (ECS API reference,
    /// UpdateService). A new capacity provider strategy would need a new deployment too, which ECS words as forcing one.
    /// </summary>
    public static void ValidateUpdateService(Service current, UpdateServiceRequest request)
    {
        if (!Is(current))
        {
            return;
        }
        Refuse(request.TaskDefinition is not null, "Unable to update task definition");
        Refuse(request.NetworkConfiguration is not null, "Unable to update network parameters");
        Refuse(request.LoadBalancers is not null, "Unable to update load balancers");
        Refuse(request.PlatformVersion is not null, "Unable to update platform version");
        Refuse(request.ForceNewDeployment == true || request.CapacityProviderStrategy is not null, "Cannot force a new deployment");
    }

    /// <summary>
    /// The task set CreateService starts a CODE_DEPLOY service with: the service's own task definition, launch type or
    /// strategy, platform, network and load balancers, PRIMARY at 100% of the desired count. No CodeDeploy deployment
    /// created it, so it has neither <c>startedBy</c> (which the model reserves for "CODE_DEPLOY" when "an CodeDeploy
    /// deployment created the task set") nor <c>externalId</c> (the CodeDeploy deployment id).
    /// </summary>
    public static TaskSet InitialTaskSet(Service service, string id, DateTimeOffset now)
    {
        var scale = TaskSetRules.ScaleOf(null);
        return new TaskSet
        {
            Id = id,
            TaskSetArn = TaskSetRules.ArnOf(service, id),
            ServiceArn = service.ServiceArn,
            ClusterArn = service.ClusterArn,
            Status = TaskSetRules.Primary,
            TaskDefinition = service.TaskDefinition,
            ComputedDesiredCount = TaskSetRules.ComputedDesiredCount(service.DesiredCount ?? 0, scale),
            PendingCount = 0,
            RunningCount = 0,
            CreatedAt = now,
            UpdatedAt = now,
            LaunchType = service.LaunchType,
            CapacityProviderStrategy = service.CapacityProviderStrategy,
            PlatformVersion = service.PlatformVersion,
            PlatformFamily = service.PlatformFamily,
            NetworkConfiguration = service.NetworkConfiguration,
            LoadBalancers = service.LoadBalancers ?? [],
            ServiceRegistries = [],
            Scale = scale,
            StabilityStatus = TaskSetRules.Stabilizing,
            StabilityStatusAt = now,
            Tags = [],
        };
    }

    private static void Refuse(bool given, string what)
    {
        if (given)
        {
            throw new InvalidParameterException($"{what} {UseCodeDeploy}");
        }
    }
}
