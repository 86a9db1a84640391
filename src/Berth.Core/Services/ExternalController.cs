using Berth.Core.Ecs;
using Berth.Core.Errors;

namespace Berth.Core.Services;

/// <summary>
/// The EXTERNAL deployment controller: a third party deploys through task sets (<see cref="TaskSetRules"/>), and the
/// service itself manages only "the parameters that aren't controlled at the task set level" (ECS developer guide,
/// "Deploy Amazon ECS services using a third-party controller"). CreateService and UpdateService refuse the others
/// rather than store them where nothing would use them.
/// </summary>
public static class ExternalController
{
    public const string Type = "EXTERNAL";

    public static bool Is(Service service) => service.DeploymentController?.Type == Type;

    public static bool Is(DeploymentController? controller) => controller?.Type == Type;

    /// <summary>
    /// CreateService with EXTERNAL: "The only required parameter is the service name"; what tasks run, where and behind
    /// which load balancers is each task set's, and "the EXTERNAL deployment controller types don't support the DAEMON
    /// scheduling strategy".
    /// </summary>
    public static void ValidateCreateService(CreateServiceRequest request)
    {
        if (!Is(request.DeploymentController))
        {
            return;
        }
        if (request.SchedulingStrategy == SchedulingStrategies.Daemon)
        {
            throw new InvalidParameterException("The EXTERNAL deployment controller does not support the DAEMON scheduling strategy.");
        }
        RefuseTaskSetLevel(request.TaskDefinition is not null, "taskDefinition");
        RefuseTaskSetLevel(request.LoadBalancers is { Count: > 0 }, "loadBalancers");
        RefuseTaskSetLevel(request.NetworkConfiguration is not null, "networkConfiguration");
        RefuseTaskSetLevel(request.LaunchType is not null, "launchType");
        RefuseTaskSetLevel(request.CapacityProviderStrategy is { Count: > 0 }, "capacityProviderStrategy");
        RefuseTaskSetLevel(request.PlatformVersion is not null, "platformVersion");
    }

    /// <summary>
    /// UpdateService of an EXTERNAL service: "you can update only the desired count, task placement constraints and
    /// strategies, health check grace period, enable ECS managed tags option, and propagate tags option […] If the launch
    /// type, load balancer, network configuration, platform version, or task definition need to be updated, create a new
    /// task set" (ECS API reference, UpdateService).
    /// </summary>
    public static void ValidateUpdateService(Service current, UpdateServiceRequest request)
    {
        if (!Is(current))
        {
            return;
        }
        RefuseTaskSetLevel(request.TaskDefinition is not null, "taskDefinition");
        RefuseTaskSetLevel(request.LoadBalancers is not null, "loadBalancers");
        RefuseTaskSetLevel(request.NetworkConfiguration is not null, "networkConfiguration");
        RefuseTaskSetLevel(request.CapacityProviderStrategy is not null, "capacityProviderStrategy");
        RefuseTaskSetLevel(request.PlatformVersion is not null, "platformVersion");
        RefuseTaskSetLevel(request.ForceNewDeployment == true, "forceNewDeployment");
    }

    /// <summary>
    /// A controller type of the model: ECS, CODE_DEPLOY (<see cref="CodeDeployController"/>) or EXTERNAL.
    /// </summary>
    public static void ValidateType(DeploymentController? controller)
    {
        if (controller?.Type is { } type)
        {
            Validation.Require.OneOf(type, EcsEnums.DeploymentControllerType, "deploymentController.type");
        }
    }

    /// <summary>UpdateService may name the service's own controller; moving a service to another controller is not supported.</summary>
    public static void RefuseChange(Service current, DeploymentController? requested)
    {
        ValidateType(requested);
        var currentType = current.DeploymentController?.Type ?? "ECS";
        if (requested?.Type is { } type && type != currentType)
        {
            throw new UnsupportedFeatureException($"Berth does not change a service's deployment controller (from {currentType} to {type}).");
        }
    }

    private static void RefuseTaskSetLevel(bool given, string parameter)
    {
        if (given)
        {
            throw new InvalidParameterException(
                $"{parameter} cannot be specified for a service that uses the EXTERNAL deployment controller; specify it on a task set (CreateTaskSet).");
        }
    }
}
