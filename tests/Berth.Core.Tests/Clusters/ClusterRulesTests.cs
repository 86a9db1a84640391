using Berth.Core.Arns;
using Berth.Core.Clusters;
using Berth.Core.Ecs;
using Berth.Core.Errors;

namespace Berth.Core.Tests.Clusters;

public class ClusterRulesTests
{
    private static readonly ResourceScope Scope = new("eu-west-1", "123456789012");

    [Fact]
    public void ArnOf_a_name_is_the_cluster_arn_in_the_request_scope()
    {
        Assert.Equal("arn:aws:ecs:eu-west-1:123456789012:cluster/web-1", ClusterRules.ArnOf(Scope, "web-1"));
    }

    [Fact]
    public void ArnOf_an_arn_is_that_arn_even_in_another_region()
    {
        const string arn = "arn:aws:ecs:us-east-1:123456789012:cluster/web";
        Assert.Equal(arn, ClusterRules.ArnOf(Scope, arn));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void ArnOf_nothing_is_the_default_cluster(string? nameOrArn)
    {
        Assert.Equal("arn:aws:ecs:eu-west-1:123456789012:cluster/default", ClusterRules.ArnOf(Scope, nameOrArn));
    }

    [Theory]
    [InlineData("arn:aws:ecs:eu-west-1:123456789012:task-definition/web:1")]
    [InlineData("arn:aws:ecs:eu-west-1:123456789012:cluster/a/b")]
    [InlineData("arn:aws:ecs:eu-west-1:123456789012:cluster/bad name")]
    public void ArnOf_an_arn_that_is_not_a_cluster_is_an_invalid_parameter(string nameOrArn)
    {
        Assert.Throws<InvalidParameterException>(() => ClusterRules.ArnOf(Scope, nameOrArn));
    }

    [Theory]
    [InlineData("bad name")]
    [InlineData("web/1")]
    [InlineData("web.1")]
    public void ArnOf_an_invalid_name_is_a_missing_cluster(string name)
    {
        Assert.Throws<ClusterNotFoundException>(() => ClusterRules.ArnOf(Scope, name));
    }

    [Fact]
    public void NewCluster_is_active_with_container_insights_disabled()
    {
        var cluster = ClusterRules.NewCluster(new CreateClusterRequest { ClusterName = "web" }, Scope, "disabled");

        Assert.Equal("arn:aws:ecs:eu-west-1:123456789012:cluster/web", cluster.ClusterArn);
        Assert.Equal("ACTIVE", cluster.Status);
        Assert.Equal([new ClusterSetting { Name = "containerInsights", Value = "disabled" }], cluster.Settings);
        Assert.Empty(cluster.Tags!);
        Assert.Empty(cluster.CapacityProviders!);
    }

    [Fact]
    public void NewCluster_takes_container_insights_from_the_account_setting_when_the_request_has_none()
    {
        var cluster = ClusterRules.NewCluster(new CreateClusterRequest { ClusterName = "web" }, Scope, "enabled");

        Assert.Equal([new ClusterSetting { Name = "containerInsights", Value = "enabled" }], cluster.Settings);
    }

    [Fact]
    public void NewCluster_without_a_name_is_the_default_cluster()
    {
        Assert.Equal("default", ClusterRules.NewCluster(new CreateClusterRequest(), Scope, "disabled").ClusterName);
    }

    [Fact]
    public void NewCluster_settings_replace_the_default_setting()
    {
        var cluster = ClusterRules.NewCluster(new CreateClusterRequest
        {
            ClusterName = "web",
            Settings = [new ClusterSetting { Name = "containerInsights", Value = "enhanced" }],
        }, Scope, "enabled");

        Assert.Equal([new ClusterSetting { Name = "containerInsights", Value = "enhanced" }], cluster.Settings);
    }

    [Theory]
    [InlineData("containerInsights", "on")]
    [InlineData("containerInsights", null)]
    [InlineData("insights", "enabled")]
    [InlineData(null, "enabled")]
    public void Settings_other_than_container_insights_values_are_refused(string? name, string? value)
    {
        Assert.Throws<InvalidParameterException>(() =>
            ClusterRules.ValidateSettings([new ClusterSetting { Name = name, Value = value }]));
    }

    [Fact]
    public void A_strategy_may_name_fargate_providers_of_the_cluster()
    {
        ClusterRules.ValidateCapacityProviders(
            ["FARGATE", "FARGATE_SPOT"],
            [
                new CapacityProviderStrategyItem { CapacityProvider = "FARGATE", Weight = 1, Base = 2 },
                new CapacityProviderStrategyItem { CapacityProvider = "FARGATE_SPOT", Weight = 4 },
            ]);
    }

    public static TheoryData<string[], CapacityProviderStrategyItem[]> InvalidCapacityProviders => new()
    {
        { ["my-asg-provider"], [] },
        { ["FARGATE", "FARGATE"], [] },
        { ["FARGATE"], [new CapacityProviderStrategyItem { CapacityProvider = "FARGATE_SPOT", Weight = 1 }] },
        { ["FARGATE"], [new CapacityProviderStrategyItem { Weight = 1 }] },
        { ["FARGATE"], [new CapacityProviderStrategyItem { CapacityProvider = "FARGATE", Weight = 1001 }] },
        { ["FARGATE"], [new CapacityProviderStrategyItem { CapacityProvider = "FARGATE", Base = 100001 }] },
        {
            ["FARGATE", "FARGATE_SPOT"],
            [
                new CapacityProviderStrategyItem { CapacityProvider = "FARGATE", Base = 1 },
                new CapacityProviderStrategyItem { CapacityProvider = "FARGATE_SPOT", Base = 1 },
            ]
        },
    };

    [Theory]
    [MemberData(nameof(InvalidCapacityProviders))]
    public void Capacity_provider_rules_refuse(string[] providers, CapacityProviderStrategyItem[] strategy)
    {
        Assert.Throws<InvalidParameterException>(() => ClusterRules.ValidateCapacityProviders(providers, strategy));
    }

    [Fact]
    public void A_cluster_may_have_the_accounts_active_providers()
    {
        ClusterRules.ValidateCapacityProviders(
            ["web-asg", "FARGATE"], [new CapacityProviderStrategyItem { CapacityProvider = "web-asg", Weight = 1 }], new HashSet<string> { "web-asg" });
    }

    [Fact]
    public void A_strategy_may_not_mix_auto_scaling_group_and_fargate_providers()
    {
        var e = Assert.Throws<InvalidParameterException>(() => ClusterRules.ValidateStrategy(
            ["web-asg", "FARGATE"],
            [new CapacityProviderStrategyItem { CapacityProvider = "web-asg", Weight = 1 }, new CapacityProviderStrategyItem { CapacityProvider = "FARGATE", Weight = 1 }]));

        Assert.Equal(
            "The specified capacity provider strategy cannot contain a mix of capacity providers using Auto Scaling groups and Fargate providers. Specify one or the other and try again.",
            e.Message);
    }
}
