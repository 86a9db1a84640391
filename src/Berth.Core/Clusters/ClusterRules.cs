using Berth.Core.Arns;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Validation;

namespace Berth.Core.Clusters;

/// <summary>Validation and construction of clusters as CreateCluster, UpdateCluster and friends do it.</summary>
public static class ClusterRules
{
    public const string DefaultClusterName = "default";

    /// <summary>Capacity providers every account has without creating them.</summary>
    public static readonly IReadOnlySet<string> FargateProviders = new HashSet<string>(StringComparer.Ordinal) { "FARGATE", "FARGATE_SPOT" };

    /// <summary>
    /// The cluster name from a name or ARN (ECS accepts both wherever it asks for a cluster).
    /// Null or empty means ECS's implicit "default" cluster.
    /// </summary>
    public static string ArnOf(ResourceScope scope, string? nameOrArn)
    {
        if (string.IsNullOrEmpty(nameOrArn))
        {
            return scope.ClusterArn(DefaultClusterName);
        }
        if (EcsArn.TryParse(nameOrArn, out var arn))
        {
            return arn.ResourceType == "cluster" && Require.IsValidName(arn.ResourceId)
                ? arn.ToString()
                : throw new InvalidParameterException($"Invalid cluster ARN: {nameOrArn}");
        }
        return Require.IsValidName(nameOrArn) ? scope.ClusterArn(nameOrArn) : throw new ClusterNotFoundException();
    }

    /// <param name="containerInsights">The caller's effective containerInsights account setting: ECS gives a new
    /// cluster that value unless the request sets it ("If a cluster value is specified, it will override the
    /// containerInsights value set with PutAccountSetting or PutAccountSettingDefault", API reference, ClusterSetting).</param>
    /// <param name="accountProviders">The names of the account's ACTIVE capacity providers (besides FARGATE and FARGATE_SPOT).</param>
    public static Cluster NewCluster(
        CreateClusterRequest request, ResourceScope scope, string containerInsights, IReadOnlySet<string>? accountProviders = null)
    {
        var name = request.ClusterName ?? DefaultClusterName;
        Require.Name(name, "Cluster name");
        TagRules.Validate(request.Tags);
        if (request.Tags is { Count: > TagRules.MaxTagsPerResource })
        {
            throw new InvalidParameterException($"A resource can have at most {TagRules.MaxTagsPerResource} tags.");
        }
        ValidateSettings(request.Settings);
        ValidateCapacityProviders(request.CapacityProviders ?? [], request.DefaultCapacityProviderStrategy ?? [], accountProviders);
        return new Cluster
        {
            ClusterArn = scope.ClusterArn(name),
            ClusterName = name,
            Status = "ACTIVE",
            Configuration = request.Configuration,
            Tags = request.Tags ?? [],
            Settings = MergeSettings([new ClusterSetting { Name = "containerInsights", Value = containerInsights }], request.Settings),
            CapacityProviders = request.CapacityProviders ?? [],
            DefaultCapacityProviderStrategy = request.DefaultCapacityProviderStrategy ?? [],
            ServiceConnectDefaults = ServiceConnectDefaultsOf(request.ServiceConnectDefaults),
            Statistics = [],
            Attachments = [],
        };
    }

    /// <summary>The service connect defaults a create or update asks for; null when it asks for none.</summary>
    public static ClusterServiceConnectDefaults? ServiceConnectDefaultsOf(ClusterServiceConnectDefaultsRequest? request) =>
        request is null ? null : new ClusterServiceConnectDefaults { Namespace = Require.NotBlank(request.Namespace, "serviceConnectDefaults.namespace") };

    /// <summary>containerInsights is the one cluster setting ECS has; its values are enabled, enhanced and disabled.</summary>
    public static void ValidateSettings(IReadOnlyList<ClusterSetting>? settings)
    {
        foreach (var setting in settings ?? [])
        {
            Require.OneOf(Require.NotBlank(setting.Name, "settings.name"), EcsEnums.ClusterSettingName, "settings.name");
            if (setting.Value is not ("enabled" or "enhanced" or "disabled"))
            {
                throw new InvalidParameterException(
                    $"Invalid value '{setting.Value}' for setting {setting.Name}. Valid values are: enabled, enhanced, disabled.");
            }
        }
    }

    public static IReadOnlyList<ClusterSetting> MergeSettings(IReadOnlyList<ClusterSetting>? current, IReadOnlyList<ClusterSetting>? changes)
    {
        var merged = new List<ClusterSetting>(current ?? []);
        foreach (var change in changes ?? [])
        {
            merged.RemoveAll(s => s.Name == change.Name);
            merged.Add(change);
        }
        return merged;
    }

    /// <summary>
    /// PutClusterCapacityProviders / CreateCluster rules: providers must exist and be ACTIVE (FARGATE and FARGATE_SPOT
    /// always are), the strategy may only name listed providers, weights 0–1000, base 0–100000 on one item at most.
    /// </summary>
    /// <param name="accountProviders">The names of the account's ACTIVE capacity providers (besides FARGATE and FARGATE_SPOT).</param>
    public static void ValidateCapacityProviders(
        IReadOnlyList<string> providers, IReadOnlyList<CapacityProviderStrategyItem> strategy, IReadOnlySet<string>? accountProviders = null)
    {
        foreach (var provider in providers)
        {
            if (!FargateProviders.Contains(provider) && accountProviders?.Contains(provider) != true)
            {
                throw new InvalidParameterException($"The specified capacity provider '{provider}' does not exist or is not ACTIVE.");
            }
        }
        if (providers.Distinct(StringComparer.Ordinal).Count() != providers.Count)
        {
            throw new InvalidParameterException("The capacity providers list contains duplicates.");
        }
        ValidateStrategy(providers, strategy);
    }

    /// <summary>
    /// A strategy (a cluster's default, or one given to RunTask, CreateService or UpdateService) may only name providers
    /// associated with the cluster, with weights 0–1000 and a base of 0–100000 on one item at most, and may not mix
    /// Auto Scaling group providers with Fargate ones: its tasks are either EC2 or Fargate tasks.
    /// </summary>
    public static void ValidateStrategy(IReadOnlyList<string> providers, IReadOnlyList<CapacityProviderStrategyItem> strategy)
    {
        foreach (var item in strategy)
        {
            if (item.CapacityProvider is null || !providers.Contains(item.CapacityProvider))
            {
                throw new InvalidParameterException(
                    $"The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again. Capacity provider: {item.CapacityProvider}");
            }
            Require.InRange(item.Weight, 0, 1000, "capacityProviderStrategy.weight");
            Require.InRange(item.Base, 0, 100000, "capacityProviderStrategy.base");
        }
        if (strategy.Count(i => i.Base > 0) > 1)
        {
            throw new InvalidParameterException("Only one capacity provider in a strategy can have a base defined.");
        }
        if (strategy.Select(i => FargateProviders.Contains(i.CapacityProvider!)).Distinct().Count() > 1)
        {
            throw new InvalidParameterException(
                "The specified capacity provider strategy cannot contain a mix of capacity providers using Auto Scaling groups and Fargate providers. Specify one or the other and try again.");
        }
    }
}
