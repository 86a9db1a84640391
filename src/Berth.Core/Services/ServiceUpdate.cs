using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Validation;

namespace Berth.Core.Services;

/// <summary>
/// UpdateService's pure part. Members the request leaves out stay as they are. Changing what the tasks are — task
/// definition, network configuration, capacity provider strategy, platform version, load balancers — or asking for
/// forceNewDeployment starts a new PRIMARY deployment; desired count, deployment configuration, placement and the
/// grace period apply to the running deployment (ECS API reference, UpdateService).
/// </summary>
public static class ServiceUpdate
{
    /// <param name="definition">The task definition the request names, resolved; null when it names none.</param>
    public static Service Apply(Service current, UpdateServiceRequest request, TaskDefinition? definition, string newDeploymentId, DateTimeOffset now)
    {
        if (current.Status != ServiceStatuses.Active)
        {
            throw new ServiceNotActiveException();
        }
        ServiceRules.ValidateUpdateService(current, request);
        ExternalController.RefuseChange(current, request.DeploymentController);
        ExternalController.ValidateUpdateService(current, request);
        CodeDeployController.ValidateUpdateService(current, request);
        Require.InRange(request.HealthCheckGracePeriodSeconds, 0, int.MaxValue, "healthCheckGracePeriodSeconds");
        Require.OneOf(request.PropagateTags, EcsEnums.PropagateTags, "propagateTags");
        if (request.ServiceRegistries is { Count: > 0 } || request.ServiceConnectConfiguration is not null
            || request.VolumeConfigurations is { Count: > 0 } || request.VpcLatticeConfigurations is { Count: > 0 })
        {
            throw new UnsupportedFeatureException("Berth does not support serviceRegistries, serviceConnectConfiguration, volumeConfigurations or vpcLatticeConfigurations.");
        }
        if (request.LoadBalancers is not null && definition is null)
        {
            throw new InvalidParameterException("Changing loadBalancers needs the task definition they refer to; pass taskDefinition as well.");
        }
        if (definition is not null)
        {
            ServiceFactory.ValidateLoadBalancers(request.LoadBalancers ?? current.LoadBalancers, definition);
        }

        var strategy = current.SchedulingStrategy;
        var updated = current with
        {
            DesiredCount = request.DesiredCount ?? current.DesiredCount,
            TaskDefinition = definition?.TaskDefinitionArn ?? current.TaskDefinition,
            DeploymentConfiguration = ServiceRules.EffectiveDeploymentConfiguration(
                ServiceRules.MergeDeploymentConfiguration(current.DeploymentConfiguration, request.DeploymentConfiguration), strategy),
            NetworkConfiguration = request.NetworkConfiguration ?? current.NetworkConfiguration,
            CapacityProviderStrategy = request.CapacityProviderStrategy ?? current.CapacityProviderStrategy,
            // A service moved from a launch type to a strategy reports the strategy only, as one created with it does.
            LaunchType = request.CapacityProviderStrategy is { Count: > 0 } ? null : current.LaunchType,
            PlatformVersion = request.PlatformVersion ?? current.PlatformVersion,
            PlacementConstraints = request.PlacementConstraints ?? current.PlacementConstraints,
            PlacementStrategy = request.PlacementStrategy ?? current.PlacementStrategy,
            HealthCheckGracePeriodSeconds = request.HealthCheckGracePeriodSeconds ?? current.HealthCheckGracePeriodSeconds,
            LoadBalancers = request.LoadBalancers ?? current.LoadBalancers,
            EnableECSManagedTags = request.EnableECSManagedTags ?? current.EnableECSManagedTags,
            PropagateTags = request.PropagateTags ?? current.PropagateTags,
            // As on ECS, tasks started from now on get it; running ones need forceNewDeployment.
            EnableExecuteCommand = request.EnableExecuteCommand ?? current.EnableExecuteCommand,
        };
        DeploymentStrategies.Validate(
            current.DeploymentController?.Type, request.DeploymentConfiguration, updated.DeploymentConfiguration, updated.LoadBalancers);
        // Not a change of the tasks: "This parameter doesn't trigger a new service deployment."
        updated = updated with { AvailabilityZoneRebalancing = AzRebalancing.ForUpdate(request.AvailabilityZoneRebalancing, current, updated) };
        var changesTasks = request.ForceNewDeployment == true
            || updated.TaskDefinition != current.TaskDefinition
            || request.NetworkConfiguration is not null
            || request.CapacityProviderStrategy is not null
            || request.PlatformVersion is not null
            || request.LoadBalancers is not null;
        return changesTasks ? ServiceRules.StartDeployment(updated, newDeploymentId, now)
            : TaskSetRules.RunsTaskSets(updated) ? TaskSetRules.WithComputedCounts(updated, now)
            : WithPrimaryDesiredCount(updated);
    }

    /// <summary>
    /// The PRIMARY deployment wants what the service wants, as the scheduler's next round would record: the answer and
    /// a DescribeServices right after it show the new count on the deployment too, not only once a round has run (under
    /// load, 100 concurrent updates left the deployment at an older count until then). A daemon's count is its instances'.
    /// </summary>
    private static Service WithPrimaryDesiredCount(Service service) =>
        service.SchedulingStrategy == SchedulingStrategies.Daemon || service.Deployments is null
            ? service
            : service with
            {
                Deployments = [.. service.Deployments.Select(d => d.Status == DeploymentStatuses.Primary ? d with { DesiredCount = service.DesiredCount ?? 0 } : d)],
            };
}
