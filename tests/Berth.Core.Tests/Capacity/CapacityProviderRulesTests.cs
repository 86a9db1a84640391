using Berth.Core.Arns;
using Berth.Core.Capacity;
using Berth.Core.Ecs;
using Berth.Core.Errors;

namespace Berth.Core.Tests.Capacity;

public class CapacityProviderRulesTests
{
    private static readonly ResourceScope Scope = new("us-east-1", "000000000000");

    private static CreateCapacityProviderRequest Request(string name = "web-asg", AutoScalingGroupProvider? group = null) => new()
    {
        Name = name,
        AutoScalingGroupProvider = group ?? new AutoScalingGroupProvider { AutoScalingGroupArn = "web-group" },
    };

    [Fact]
    public void A_new_provider_reports_the_settings_ecs_defaults_to()
    {
        var provider = CapacityProviderRules.NewProvider(Request(), Scope);

        Assert.Equal("arn:aws:ecs:us-east-1:000000000000:capacity-provider/web-asg", provider.CapacityProviderArn);
        Assert.Equal(("ACTIVE", "EC2_AUTOSCALING"), (provider.Status, provider.Type));
        var group = provider.AutoScalingGroupProvider!;
        Assert.Equal("web-group", group.AutoScalingGroupArn);
        Assert.Equal(new ManagedScaling
        {
            Status = "DISABLED",
            TargetCapacity = 100,
            MinimumScalingStepSize = 1,
            MaximumScalingStepSize = 10000,
            InstanceWarmupPeriod = 300,
        }, group.ManagedScaling);
        Assert.Equal(("DISABLED", "ENABLED"), (group.ManagedTerminationProtection, group.ManagedDraining));
        Assert.Empty(provider.Tags!);
        Assert.Null(provider.UpdateStatus);
    }

    [Theory]
    [InlineData("aws-group")]
    [InlineData("ECS_group")]
    [InlineData("fargate-cheap")]
    [InlineData("has space")]
    [InlineData("")]
    public void A_name_must_be_valid_and_not_reserved(string name)
    {
        Assert.Throws<InvalidParameterException>(() => CapacityProviderRules.NewProvider(Request(name), Scope));
    }

    [Fact]
    public void Managed_scaling_is_accepted_with_ecs_defaults_and_allows_termination_protection()
    {
        var group = new AutoScalingGroupProvider
        {
            AutoScalingGroupArn = "web-group",
            ManagedScaling = new ManagedScaling { Status = "ENABLED" },
            ManagedTerminationProtection = "ENABLED",
        };

        var scaling = CapacityProviderRules.NewProvider(Request(group: group), Scope).AutoScalingGroupProvider!.ManagedScaling!;

        Assert.Equal(("ENABLED", 100, 1, 10000, 300),
            (scaling.Status, scaling.TargetCapacity, scaling.MinimumScalingStepSize, scaling.MaximumScalingStepSize, scaling.InstanceWarmupPeriod));
    }

    [Fact]
    public void Managed_termination_protection_needs_managed_scaling()
    {
        var group = new AutoScalingGroupProvider { AutoScalingGroupArn = "web-group", ManagedTerminationProtection = "ENABLED" };

        var e = Assert.Throws<InvalidParameterException>(() => CapacityProviderRules.NewProvider(Request(group: group), Scope));

        Assert.Equal(
            "The managed termination protection setting for the capacity provider is invalid. To enable managed termination protection for a capacity provider, managed scaling must also be enabled.",
            e.Message);
    }

    public static TheoryData<AutoScalingGroupProvider?> InvalidGroups => new()
    {
        null,
        new AutoScalingGroupProvider(),
        new AutoScalingGroupProvider { AutoScalingGroupArn = "arn:aws:iam::000000000000:role/web" },
        new AutoScalingGroupProvider { AutoScalingGroupArn = "g", ManagedDraining = "SOMETIMES" },
        new AutoScalingGroupProvider { AutoScalingGroupArn = "g", ManagedScaling = new ManagedScaling { Status = "DISABLED", TargetCapacity = 0 } },
        new AutoScalingGroupProvider { AutoScalingGroupArn = "g", ManagedScaling = new ManagedScaling { Status = "OFF" } },
    };

    [Theory]
    [MemberData(nameof(InvalidGroups))]
    public void A_group_must_be_named_and_its_settings_valid(AutoScalingGroupProvider? group)
    {
        var request = Request() with { AutoScalingGroupProvider = group };

        Assert.Throws<InvalidParameterException>(() => CapacityProviderRules.NewProvider(request, Scope));
    }

    [Fact]
    public void Managed_instances_providers_are_not_supported()
    {
        var request = Request() with { Cluster = "web" };

        Assert.Throws<UnsupportedFeatureException>(() => CapacityProviderRules.NewProvider(request, Scope));
    }

    [Fact]
    public void An_update_replaces_the_settings_it_gives_and_keeps_the_rest()
    {
        var current = CapacityProviderRules.NewProvider(Request(), Scope);

        var updated = CapacityProviderRules.Update(current, new AutoScalingGroupProviderUpdate
        {
            ManagedDraining = "DISABLED",
            ManagedScaling = new ManagedScaling { Status = "DISABLED", TargetCapacity = 80 },
        });

        Assert.Equal("DISABLED", updated.AutoScalingGroupProvider!.ManagedDraining);
        Assert.Equal("DISABLED", updated.AutoScalingGroupProvider.ManagedTerminationProtection);
        Assert.Equal((80, 10000), (updated.AutoScalingGroupProvider.ManagedScaling!.TargetCapacity, updated.AutoScalingGroupProvider.ManagedScaling.MaximumScalingStepSize));
        Assert.Equal("web-group", updated.AutoScalingGroupProvider.AutoScalingGroupArn);
        Assert.Equal("UPDATE_COMPLETE", updated.UpdateStatus);
    }

    [Fact]
    public void A_provider_associated_with_a_cluster_is_not_deleted_and_says_why()
    {
        var current = CapacityProviderRules.NewProvider(Request(), Scope);

        var result = CapacityProviderRules.Delete(current, ["web"]);

        Assert.Equal(("ACTIVE", "DELETE_FAILED"), (result.Status, result.UpdateStatus));
        Assert.Equal(
            "The capacity provider cannot be deleted because it is associated with cluster: web. Remove the capacity provider from the cluster and try again.",
            result.UpdateStatusReason);
    }

    [Fact]
    public void A_provider_of_no_cluster_is_being_deleted_then_completed_to_inactive()
    {
        var deleting = CapacityProviderRules.Delete(CapacityProviderRules.NewProvider(Request(), Scope), []);

        Assert.Equal(("ACTIVE", "DELETE_IN_PROGRESS"), (deleting.Status, deleting.UpdateStatus));
        Assert.True(CapacityProviderRules.IsBeingDeleted(deleting));
        Assert.False(CapacityProviderRules.IsUsable(deleting));
        Assert.Same(deleting, CapacityProviderRules.Delete(deleting, []));
        Assert.Throws<ClientException>(() => CapacityProviderRules.Update(deleting, new AutoScalingGroupProviderUpdate()));

        var deleted = CapacityProviderRules.CompleteDeletion(deleting);

        Assert.Equal(("INACTIVE", "DELETE_COMPLETE"), (deleted.Status, deleted.UpdateStatus));
        Assert.False(CapacityProviderRules.IsUsable(deleted));
    }

    [Theory]
    [InlineData("FARGATE")]
    [InlineData("FARGATE_SPOT")]
    public void Fargate_providers_are_reserved(string name)
    {
        Assert.Throws<InvalidParameterException>(() => CapacityProviderRules.RefuseReserved(name, "deleted"));
        Assert.Equal(("ACTIVE", name), (CapacityProviderRules.Reserved(Scope, name).Status, CapacityProviderRules.Reserved(Scope, name).Type));
    }
}
