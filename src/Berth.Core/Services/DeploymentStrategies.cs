using System.Globalization;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Validation;

namespace Berth.Core.Services;

/// <summary>
/// The ECS deployment controller's strategies (DeploymentConfiguration.strategy, ECS 2025): ROLLING replaces tasks
/// within maximumPercent and minimumHealthyPercent; BLUE_GREEN, LINEAR and CANARY start the new (green) revision at
/// full size beside the old (blue) one and shift traffic to it by rewriting the production listener rule's weights
/// (<see cref="TrafficShift"/>). The checks are those the ECS API reference gives for the members involved.
/// </summary>
public static class DeploymentStrategies
{
    public const string Rolling = "ROLLING";
    public const string BlueGreen = "BLUE_GREEN";
    public const string Linear = "LINEAR";
    public const string Canary = "CANARY";

    /// <summary>bakeTimeInMinutes, stepBakeTimeInMinutes and canaryBakeTimeInMinutes: "Valid values are 0 to 1440 minutes (24 hours)".</summary>
    public const int MaximumBakeTimeMinutes = 1440;

    /// <summary>ECS's defaults (API reference, LinearConfiguration and CanaryConfiguration).</summary>
    public const double DefaultStepPercent = 10.0;
    public const int DefaultStepBakeTimeMinutes = 6;
    public const double DefaultCanaryPercent = 5.0;
    public const int DefaultCanaryBakeTimeMinutes = 10;

    /// <summary>The strategy a deployment configuration names; ROLLING when it names none.</summary>
    public static string Of(DeploymentConfiguration? configuration) => configuration?.Strategy ?? Rolling;

    /// <summary>True for the strategies that run blue and green side by side and shift traffic between them.</summary>
    public static bool ShiftsTraffic(DeploymentConfiguration? configuration) => Of(configuration) != Rolling;

    /// <summary>
    /// The checks of a deployment configuration's strategy members that need no ELB state, made on CreateService and on
    /// UpdateService (then on the configuration and load balancers the service will have):
    /// <list type="bullet">
    /// <item>strategy is one of the model's values, and only the ECS deployment controller runs BLUE_GREEN, LINEAR and
    /// CANARY;</item>
    /// <item>bake times 0–1440 minutes; stepPercent a multiple of 0.1 from 3.0 to 100.0, canaryPercent from 0.1 to 100.0;
    /// linearConfiguration only with LINEAR and canaryConfiguration only with CANARY ("This is only valid when …");</item>
    /// <item>LINEAR and CANARY shift production traffic, so they need load balancers; BLUE_GREEN without one runs green
    /// beside blue without traffic shifting, as the developer guide allows ("Required resources for Amazon ECS
    /// blue/green deployments");</item>
    /// <item>with those strategies every load balancer names its alternate target group (not the same group) and its
    /// production listener rule in advancedConfiguration; the test listener rule is optional.</item>
    /// </list>
    /// Lifecycle hooks must be PAUSE hooks of a strategy other than ROLLING (<see cref="PauseHooks.Validate"/>).
    /// </summary>
    /// <param name="given">The configuration as the request gave it (the strategy-specific members are checked against it).</param>
    /// <param name="effective">The configuration the service will have (given over the current one).</param>
    public static void Validate(
        string? controllerType, DeploymentConfiguration? given, DeploymentConfiguration? effective, IReadOnlyList<LoadBalancer>? loadBalancers)
    {
        Require.OneOf(given?.Strategy, EcsEnums.DeploymentStrategy, "deploymentConfiguration.strategy");
        PauseHooks.Validate(given?.LifecycleHooks, effective?.LifecycleHooks, Of(effective));
        Require.InRange(given?.BakeTimeInMinutes, 0, MaximumBakeTimeMinutes, "deploymentConfiguration.bakeTimeInMinutes");
        var strategy = Of(effective);
        if (given?.LinearConfiguration is { } linear)
        {
            Require.That(strategy == Linear, "deploymentConfiguration.linearConfiguration is only valid with the LINEAR deployment strategy.");
            RequirePercent(linear.StepPercent, 3.0, "deploymentConfiguration.linearConfiguration.stepPercent");
            Require.InRange(linear.StepBakeTimeInMinutes, 0, MaximumBakeTimeMinutes, "deploymentConfiguration.linearConfiguration.stepBakeTimeInMinutes");
        }
        if (given?.CanaryConfiguration is { } canary)
        {
            Require.That(strategy == Canary, "deploymentConfiguration.canaryConfiguration is only valid with the CANARY deployment strategy.");
            RequirePercent(canary.CanaryPercent, 0.1, "deploymentConfiguration.canaryConfiguration.canaryPercent");
            Require.InRange(canary.CanaryBakeTimeInMinutes, 0, MaximumBakeTimeMinutes, "deploymentConfiguration.canaryConfiguration.canaryBakeTimeInMinutes");
        }
        if (strategy == Rolling)
        {
            return;
        }
        Require.That(
            (controllerType ?? "ECS") == "ECS",
            $"The {strategy} deployment strategy is only supported with the ECS deployment controller.");
        if (loadBalancers is not { Count: > 0 })
        {
            Require.That(strategy == BlueGreen, $"The {strategy} deployment strategy requires a load balancer to shift production traffic.");
            return;
        }
        foreach (var balancer in loadBalancers)
        {
            var advanced = balancer.AdvancedConfiguration;
            Require.That(
                advanced is not null,
                $"The {strategy} deployment strategy requires advancedConfiguration (alternateTargetGroupArn and productionListenerRule) for every load balancer.");
            var alternate = Require.NotBlank(advanced!.AlternateTargetGroupArn, "loadBalancers.advancedConfiguration.alternateTargetGroupArn");
            Require.NotBlank(advanced.ProductionListenerRule, "loadBalancers.advancedConfiguration.productionListenerRule");
            Require.That(
                alternate != balancer.TargetGroupArn,
                "loadBalancers.advancedConfiguration.alternateTargetGroupArn must differ from the load balancer's targetGroupArn.");
            Require.That(
                advanced.TestListenerRule is null || advanced.TestListenerRule != advanced.ProductionListenerRule,
                "loadBalancers.advancedConfiguration.testListenerRule must differ from productionListenerRule.");
        }
    }

    /// <summary>"Valid values are multiples of 0.1 from <paramref name="min"/> to 100.0."</summary>
    private static void RequirePercent(double? value, double min, string member)
    {
        if (value is not { } v)
        {
            return;
        }
        var tenths = v * 10;
        Require.That(
            v >= min - 1e-9 && v <= 100.0 + 1e-9 && Math.Abs(tenths - Math.Round(tenths)) < 1e-6,
            $"{member} must be a multiple of 0.1 from {min.ToString("0.0", CultureInfo.InvariantCulture)} to 100.0; got {v.ToString(CultureInfo.InvariantCulture)}.");
    }
}
