using Berth.Core.Clusters;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Validation;

namespace Berth.Core.Capacity;

/// <summary>
/// Where RunTask and CreateService launch: a launch type, or a capacity provider strategy (given, or the
/// cluster's default when neither is given, as the API reference for RunTask says). A strategy of FARGATE and
/// FARGATE_SPOT means Fargate tasks, one of Auto Scaling group providers EC2 tasks on the groups' instances (a strategy
/// never mixes the two), and the tasks report that launch type, as ECS reports it.
/// </summary>
public sealed record LaunchTarget(string LaunchType, IReadOnlyList<CapacityProviderStrategyItem>? Strategy)
{
    public static LaunchTarget Resolve(string? launchType, IReadOnlyList<CapacityProviderStrategyItem>? strategy, Cluster cluster)
    {
        Require.OneOf(launchType, EcsEnums.LaunchType, "launchType");
        if (launchType is not null && strategy is { Count: > 0 })
        {
            throw new InvalidParameterException("Specifying both a launchType and capacityProviderStrategy is not supported.");
        }
        var chosen = strategy is { Count: > 0 } ? strategy
            : launchType is null && cluster.DefaultCapacityProviderStrategy is { Count: > 0 } defaults ? defaults
            : null;
        if (chosen is not null)
        {
            ClusterRules.ValidateStrategy(cluster.CapacityProviders ?? [], chosen);
            CapacityProviderDistribution.Validate(chosen);
            return new LaunchTarget(LaunchTypeOf(chosen), chosen);
        }
        if (launchType is "EXTERNAL" or "MANAGED_INSTANCES")
        {
            throw new UnsupportedFeatureException($"Berth runs launch types EC2 and FARGATE; launch type {launchType} is not supported.");
        }
        return new LaunchTarget(launchType ?? "EC2", null);
    }

    /// <summary>
    /// UpdateService's new strategy: non-empty (ECS cannot move a service back to the cluster's default strategy), naming
    /// providers of the cluster, and keeping the service's tasks on the kind of capacity they run on: Berth does not move
    /// a service between Fargate and EC2 capacity, whose network and platform settings differ.
    /// </summary>
    public static void ValidateServiceStrategy(IReadOnlyList<CapacityProviderStrategyItem> strategy, Cluster cluster, string currentLaunchType)
    {
        CapacityProviderDistribution.Validate(strategy);
        ClusterRules.ValidateStrategy(cluster.CapacityProviders ?? [], strategy);
        if (LaunchTypeOf(strategy) != currentLaunchType)
        {
            throw new InvalidParameterException(
                $"The service runs {currentLaunchType} tasks; its capacity provider strategy may only name {(currentLaunchType == FargateRules.LaunchType ? "FARGATE and FARGATE_SPOT" : "Auto Scaling group capacity providers")}.");
        }
    }

    /// <summary>A service's launch type: its own, or the one of the capacity provider strategy it runs on.</summary>
    public static string LaunchTypeOf(Service service) =>
        service.LaunchType ?? (service.CapacityProviderStrategy is { Count: > 0 } strategy ? LaunchTypeOf(strategy) : "EC2");

    /// <summary>FARGATE for a strategy of Fargate providers, EC2 for one of Auto Scaling group providers.</summary>
    public static string LaunchTypeOf(IReadOnlyList<CapacityProviderStrategyItem> strategy) =>
        strategy.All(i => CapacityProviderRules.IsFargate(i.CapacityProvider)) ? FargateRules.LaunchType : "EC2";
}
