using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Validation;

namespace Berth.Core.Daemons;

/// <summary>The checks of CreateDaemon and UpdateDaemon, and the deployment defaults, with the API reference's limits.</summary>
public static class DaemonRules
{
    /// <summary>The developer guide's default drain percentage ("Percentage of instances to drain simultaneously … Default: 25").</summary>
    public const double DefaultDrainPercent = 25;

    /// <summary>The bake time's upper bound, as for service deployments' bake time (a day).</summary>
    public const int MaxBakeTimeInMinutes = 1440;

    /// <summary>ListDaemons, ListDaemonDeployments: 1 to 100 per page; DescribeDaemonDeployments, DescribeDaemonRevisions: up to 20 ARNs.</summary>
    public const int MaxDescribe = 20;

    public static void ValidateCreate(CreateDaemonRequest request)
    {
        Require.Name(request.DaemonName, "Daemon name");
        ValidateCommon(request.DaemonTaskDefinitionArn, request.CapacityProviderArns, request.DeploymentConfiguration, request.PropagateTags);
        TagRules.Validate(request.Tags);
        Require.ClientToken(request.ClientToken, 36);
    }

    public static void ValidateUpdate(UpdateDaemonRequest request) =>
        ValidateCommon(request.DaemonTaskDefinitionArn, request.CapacityProviderArns, request.DeploymentConfiguration, request.PropagateTags);

    /// <summary>The configuration a deployment runs with: the request's, with the default drain percentage and bake time filled in.</summary>
    public static DaemonDeploymentConfiguration WithDefaults(DaemonDeploymentConfiguration? configuration) => new()
    {
        DrainPercent = configuration?.DrainPercent ?? DefaultDrainPercent,
        BakeTimeInMinutes = configuration?.BakeTimeInMinutes ?? 0,
        Alarms = configuration?.Alarms is { } alarms ? alarms with { Enable = alarms.Enable ?? false, AlarmNames = alarms.AlarmNames ?? [] } : null,
    };

    /// <summary>How many instances a deployment step replaces at once: drainPercent of them, at least one.</summary>
    public static int BatchSize(double drainPercent, int instances) => Math.Max(1, (int)Math.Floor(instances * drainPercent / 100));

    private static void ValidateCommon(
        string? taskDefinition, IReadOnlyList<string>? capacityProviders, DaemonDeploymentConfiguration? configuration, string? propagateTags)
    {
        Require.NotBlank(taskDefinition, "daemonTaskDefinitionArn");
        Require.That(capacityProviders is { Count: > 0 }, "capacityProviderArns must list at least one capacity provider.");
        Require.That(capacityProviders!.Distinct(StringComparer.Ordinal).Count() == capacityProviders!.Count,
            "capacityProviderArns cannot list a capacity provider more than once.");
        Require.OneOf(propagateTags, EcsEnums.DaemonPropagateTags, "propagateTags");
        if (configuration?.DrainPercent is { } drain && drain is < 0 or > 100 or double.NaN)
        {
            throw new InvalidParameterException("drainPercent must be between 0.0 and 100.0.");
        }
        Require.InRange(configuration?.BakeTimeInMinutes, 0, MaxBakeTimeInMinutes, "bakeTimeInMinutes");
        if (configuration?.Alarms is { Enable: true } alarms)
        {
            Require.That(alarms.AlarmNames is { Count: > 0 }, "alarms.alarmNames must name at least one alarm when alarms are enabled.");
        }
    }
}
