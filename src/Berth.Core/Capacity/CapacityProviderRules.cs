using Berth.Core.Arns;
using Berth.Core.Clusters;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Validation;

namespace Berth.Core.Capacity;

/// <summary>
/// CreateCapacityProvider, UpdateCapacityProvider and DeleteCapacityProvider's pure part, for Auto Scaling group
/// providers (<see cref="AutoScalingGroup"/>), and the FARGATE and FARGATE_SPOT providers every account has.
/// Berth has no EC2 Auto Scaling and launches no machines: a provider places tasks on the instances its group has.
/// Managed scaling is accepted with ECS's settings and defaults, and what ECS would scale on is published as
/// <see cref="CapacityProviderReservation"/>; the group grows only when someone starts agents for it.
/// </summary>
public static class CapacityProviderRules
{
    public const string Active = "ACTIVE";
    public const string Inactive = "INACTIVE";
    public const string AutoScalingType = "EC2_AUTOSCALING";
    public const string Enabled = "ENABLED";
    public const string Disabled = "DISABLED";
    public const string DeleteInProgress = "DELETE_IN_PROGRESS";

    private const string GroupRequired = "autoScalingGroupProvider is required: Berth supports Auto Scaling group capacity providers only.";

    /// <summary>ECS reserves these prefixes for its own providers (API reference, CreateCapacityProvider).</summary>
    private static readonly string[] ReservedPrefixes = ["aws", "ecs", "fargate"];

    public static bool IsFargate(string? name) => name is not null && ClusterRules.FargateProviders.Contains(name);

    /// <summary>ECS accepts a capacity provider's short name or full ARN.</summary>
    public static string ArnOf(ResourceScope scope, string nameOrArn)
    {
        if (!EcsArn.TryParse(nameOrArn, out var arn))
        {
            return scope.CapacityProviderArn(nameOrArn);
        }
        return arn.ResourceType == "capacity-provider"
            ? arn.ToString()
            : throw new InvalidParameterException($"'{nameOrArn}' is not a capacity provider ARN.");
    }

    /// <summary>The provider's name from its ARN (the part after <c>capacity-provider/</c>).</summary>
    public static string NameOf(string arn) => arn[(arn.IndexOf(":capacity-provider/", StringComparison.Ordinal) + ":capacity-provider/".Length)..];

    /// <summary>The name of the Auto Scaling group a provider places on.</summary>
    public static string? GroupOf(CapacityProvider provider) =>
        AutoScalingGroup.NameOf(provider.AutoScalingGroupProvider!.AutoScalingGroupArn!);

    /// <summary>FARGATE or FARGATE_SPOT as DescribeCapacityProviders lists them: ACTIVE, untaggable, of their own type.</summary>
    public static CapacityProvider Reserved(ResourceScope scope, string name) => new()
    {
        CapacityProviderArn = scope.CapacityProviderArn(name),
        Name = name,
        Status = Active,
        Type = name,
        Tags = [],
    };

    /// <summary>CreateCapacityProvider and UpdateCapacityProvider: Berth has no Amazon ECS Managed Instances to configure.</summary>
    public static void RefuseManagedInstances(bool given)
    {
        if (given)
        {
            throw new UnsupportedFeatureException(
                "Berth supports Auto Scaling group capacity providers only; Amazon ECS Managed Instances (managedInstancesProvider, cluster) are not available.");
        }
    }

    public static CapacityProvider NewProvider(CreateCapacityProviderRequest request, ResourceScope scope)
    {
        var name = request.Name;
        Require.Name(name, "Capacity provider name");
        if (ReservedPrefixes.Any(p => name!.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidParameterException(
                $"The specified capacity provider name '{name}' is invalid. Capacity provider names can't be prefixed with \"aws\", \"ecs\", or \"fargate\".");
        }
        RefuseManagedInstances(request.ManagedInstancesProvider is not null || request.Cluster is not null);
        var group = request.AutoScalingGroupProvider
            ?? throw new InvalidParameterException(GroupRequired);
        var groupArn = Require.NotBlank(group.AutoScalingGroupArn, "autoScalingGroupProvider.autoScalingGroupArn");
        if (AutoScalingGroup.NameOf(groupArn) is null)
        {
            throw new InvalidParameterException($"The specified Auto Scaling group ARN '{groupArn}' is not valid.");
        }
        return new CapacityProvider
        {
            CapacityProviderArn = scope.CapacityProviderArn(name!),
            Name = name,
            Status = Active,
            Type = AutoScalingType,
            AutoScalingGroupProvider = Settle(
                new AutoScalingGroupProvider { AutoScalingGroupArn = groupArn },
                group.ManagedScaling, group.ManagedTerminationProtection, group.ManagedDraining),
            Tags = TagRules.Merge([], request.Tags),
        };
    }

    /// <summary>UpdateCapacityProvider: the settings it gives replace the current ones; the group cannot change (ECS has no member for it).</summary>
    public static CapacityProvider Update(CapacityProvider current, AutoScalingGroupProviderUpdate? update)
    {
        var changes = update ?? throw new InvalidParameterException(GroupRequired);
        if (IsBeingDeleted(current))
        {
            throw new ClientException($"The capacity provider '{current.Name}' is being deleted and can't be updated.");
        }
        return current with
        {
            AutoScalingGroupProvider = Settle(current.AutoScalingGroupProvider!, changes.ManagedScaling, changes.ManagedTerminationProtection, changes.ManagedDraining),
            UpdateStatus = "UPDATE_COMPLETE",
            UpdateStatusReason = null,
        };
    }

    /// <summary>
    /// DeleteCapacityProvider as ECS answers it: a provider still associated with a cluster is not deleted but reports
    /// DELETE_FAILED with the reason (re:Post, "How do I resolve errors when I delete a capacity provider in Amazon
    /// ECS?"); otherwise it stays ACTIVE with DELETE_IN_PROGRESS, as ECS answers, until <see cref="CompleteDeletion"/>
    /// makes it INACTIVE. A service's strategy can only name providers of its cluster, which PutClusterCapacityProviders
    /// keeps associated while in use, so the cluster check covers services. Deleting it again while it is being deleted
    /// answers the same.
    /// </summary>
    public static CapacityProvider Delete(CapacityProvider current, IReadOnlyList<string> associatedClusterNames) =>
        IsBeingDeleted(current) ? current
        : associatedClusterNames.Count > 0
            ? current with
            {
                UpdateStatus = "DELETE_FAILED",
                UpdateStatusReason =
                    $"The capacity provider cannot be deleted because it is associated with cluster: {associatedClusterNames[0]}. Remove the capacity provider from the cluster and try again.",
            }
            : current with { UpdateStatus = DeleteInProgress, UpdateStatusReason = null };

    /// <summary>The second half of a deletion, done in the background: the provider becomes INACTIVE with DELETE_COMPLETE.</summary>
    public static CapacityProvider CompleteDeletion(CapacityProvider current) =>
        current with { Status = Inactive, UpdateStatus = "DELETE_COMPLETE", UpdateStatusReason = null };

    /// <summary>A provider whose deletion was accepted: still ACTIVE, but no cluster may take it and nothing places on it.</summary>
    public static bool IsBeingDeleted(CapacityProvider provider) => provider.Status == Active && provider.UpdateStatus == DeleteInProgress;

    /// <summary>An ACTIVE provider that is not being deleted: one a cluster may take and tasks may be placed on.</summary>
    public static bool IsUsable(CapacityProvider provider) => provider.Status == Active && !IsBeingDeleted(provider);

    /// <summary>FARGATE and FARGATE_SPOT are AWS's: they cannot be updated or deleted (API reference, DeleteCapacityProvider).</summary>
    public static void RefuseReserved(string name, string operation)
    {
        if (IsFargate(name))
        {
            throw new InvalidParameterException($"The {name} capacity provider is reserved and can't be {operation}.");
        }
    }

    /// <summary>
    /// The settings as DescribeCapacityProviders reports them, each given one replacing the current: managed scaling
    /// DISABLED with ECS's defaults (target 100 %, steps 1–10000, warm-up 300 s), termination protection DISABLED and
    /// managed draining ENABLED, as ECS gives a provider created without them.
    /// </summary>
    private static AutoScalingGroupProvider Settle(AutoScalingGroupProvider current, ManagedScaling? scaling, string? termination, string? draining)
    {
        var settled = current with
        {
            ManagedScaling = Scaling(scaling ?? current.ManagedScaling),
            ManagedTerminationProtection = termination ?? current.ManagedTerminationProtection ?? Disabled,
            ManagedDraining = draining ?? current.ManagedDraining ?? Enabled,
        };
        Require.OneOf(settled.ManagedTerminationProtection, EcsEnums.ManagedTerminationProtection, "managedTerminationProtection");
        Require.OneOf(settled.ManagedDraining, EcsEnums.ManagedDraining, "managedDraining");
        if (settled.ManagedTerminationProtection == Enabled && settled.ManagedScaling!.Status != Enabled)
        {
            throw new InvalidParameterException(
                "The managed termination protection setting for the capacity provider is invalid. To enable managed termination protection for a capacity provider, managed scaling must also be enabled.");
        }
        return settled;
    }

    private static ManagedScaling Scaling(ManagedScaling? given)
    {
        var scaling = new ManagedScaling
        {
            Status = given?.Status ?? Disabled,
            TargetCapacity = given?.TargetCapacity ?? 100,
            MinimumScalingStepSize = given?.MinimumScalingStepSize ?? 1,
            MaximumScalingStepSize = given?.MaximumScalingStepSize ?? 10000,
            InstanceWarmupPeriod = given?.InstanceWarmupPeriod ?? 300,
        };
        Require.OneOf(scaling.Status, EcsEnums.ManagedScalingStatus, "managedScaling.status");
        Require.InRange(scaling.TargetCapacity, 1, 100, "managedScaling.targetCapacity");
        Require.InRange(scaling.MinimumScalingStepSize, 1, 10000, "managedScaling.minimumScalingStepSize");
        Require.InRange(scaling.MaximumScalingStepSize, 1, 10000, "managedScaling.maximumScalingStepSize");
        Require.InRange(scaling.InstanceWarmupPeriod, 0, 10000, "managedScaling.instanceWarmupPeriod");
        return scaling;
    }
}
