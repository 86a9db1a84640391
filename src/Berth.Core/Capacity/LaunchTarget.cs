using Berth.Core.Clusters;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Validation;

namespace Berth.Core.Capacity;

/// <summary>
/// Where RunTask and CreateService launch: a launch type, or a capacity provider strategy (given, or the
/// cluster's default when neither is given, as the API reference for RunTask says). The FARGATE and FARGATE_SPOT
/// providers are the only ones Berth has, so a strategy always means launch type FARGATE, as ECS reports it.
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
            return new LaunchTarget(FargateRules.LaunchType, chosen);
        }
        if (launchType is "EXTERNAL" or "MANAGED_INSTANCES")
        {
            throw new UnsupportedFeatureException($"Berth runs launch types EC2 and FARGATE; launch type {launchType} is not supported.");
        }
        return new LaunchTarget(launchType ?? "EC2", null);
    }

    /// <summary>A service's launch type: its own, or FARGATE when it runs on a capacity provider strategy.</summary>
    public static string LaunchTypeOf(Service service) =>
        service.LaunchType ?? (service.CapacityProviderStrategy is { Count: > 0 } ? FargateRules.LaunchType : "EC2");
}
