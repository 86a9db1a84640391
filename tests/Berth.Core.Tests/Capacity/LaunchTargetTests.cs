using Berth.Core.Capacity;
using Berth.Core.Ecs;
using Berth.Core.Errors;

namespace Berth.Core.Tests.Capacity;

public class LaunchTargetTests
{
    private static readonly CapacityProviderStrategyItem Spot = new() { CapacityProvider = "FARGATE_SPOT", Weight = 1 };

    private static Cluster ClusterWith(IReadOnlyList<string> providers, IReadOnlyList<CapacityProviderStrategyItem>? defaults = null) => new()
    {
        ClusterArn = "arn:aws:ecs:us-east-1:000000000000:cluster/c",
        ClusterName = "c",
        CapacityProviders = providers,
        DefaultCapacityProviderStrategy = defaults ?? [],
    };

    [Fact]
    public void Nothing_given_on_a_cluster_without_default_strategy_is_EC2()
    {
        Assert.Equal(new LaunchTarget("EC2", null), LaunchTarget.Resolve(null, null, ClusterWith([])));
    }

    [Fact]
    public void Nothing_given_uses_the_clusters_default_strategy_on_fargate()
    {
        var target = LaunchTarget.Resolve(null, null, ClusterWith(["FARGATE_SPOT"], [Spot]));

        Assert.Equal("FARGATE", target.LaunchType);
        Assert.Equal([Spot], target.Strategy);
    }

    [Fact]
    public void A_launch_type_overrides_the_clusters_default_strategy()
    {
        Assert.Equal(new LaunchTarget("FARGATE", null), LaunchTarget.Resolve("FARGATE", null, ClusterWith(["FARGATE_SPOT"], [Spot])));
    }

    [Fact]
    public void A_given_strategy_is_used()
    {
        Assert.Equal([Spot], LaunchTarget.Resolve(null, [Spot], ClusterWith(["FARGATE", "FARGATE_SPOT"])).Strategy);
    }

    [Fact]
    public void Launch_type_and_strategy_together_are_refused_with_ecs_words()
    {
        var e = Assert.Throws<InvalidParameterException>(() => LaunchTarget.Resolve("FARGATE", [Spot], ClusterWith(["FARGATE_SPOT"])));
        Assert.Equal("Specifying both a launchType and capacityProviderStrategy is not supported.", e.Message);
    }

    [Fact]
    public void A_strategy_naming_a_provider_not_associated_with_the_cluster_is_refused()
    {
        var e = Assert.Throws<InvalidParameterException>(() => LaunchTarget.Resolve(null, [Spot], ClusterWith(["FARGATE"])));
        Assert.Contains("not associated with the cluster", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("EXTERNAL")]
    [InlineData("MANAGED_INSTANCES")]
    public void Launch_types_berth_does_not_run_are_unsupported(string launchType)
    {
        Assert.Throws<UnsupportedFeatureException>(() => LaunchTarget.Resolve(launchType, null, ClusterWith([])));
    }

    [Fact]
    public void An_unknown_launch_type_is_an_invalid_parameter()
    {
        Assert.Throws<InvalidParameterException>(() => LaunchTarget.Resolve("LAMBDA", null, ClusterWith([])));
    }

    [Theory]
    [InlineData("FARGATE", null, "FARGATE")]
    [InlineData(null, "FARGATE_SPOT", "FARGATE")]
    [InlineData(null, null, "EC2")]
    [InlineData("EC2", null, "EC2")]
    [InlineData(null, "web-asg", "EC2")]
    public void A_services_launch_type_follows_its_strategy(string? launchType, string? provider, string expected)
    {
        var service = new Service
        {
            LaunchType = launchType,
            CapacityProviderStrategy = provider is null ? [] : [new CapacityProviderStrategyItem { CapacityProvider = provider }],
        };

        Assert.Equal(expected, LaunchTarget.LaunchTypeOf(service));
    }

    [Fact]
    public void A_strategy_of_auto_scaling_group_providers_launches_ec2_tasks()
    {
        CapacityProviderStrategyItem[] strategy = [new() { CapacityProvider = "web-asg", Weight = 1 }, new() { CapacityProvider = "batch-asg", Weight = 2 }];

        var target = LaunchTarget.Resolve(null, strategy, ClusterWith(["web-asg", "batch-asg", "FARGATE"]));

        Assert.Equal(new LaunchTarget("EC2", strategy), target);
    }

    [Fact]
    public void An_update_may_not_move_a_service_between_fargate_and_ec2_capacity()
    {
        var cluster = ClusterWith(["web-asg", "FARGATE_SPOT"]);

        LaunchTarget.ValidateServiceStrategy([new() { CapacityProvider = "web-asg", Weight = 1 }], cluster, "EC2");
        Assert.Throws<InvalidParameterException>(() => LaunchTarget.ValidateServiceStrategy([Spot], cluster, "EC2"));
        Assert.Throws<InvalidParameterException>(() => LaunchTarget.ValidateServiceStrategy([new() { CapacityProvider = "other", Weight = 1 }], cluster, "EC2"));
        Assert.Throws<InvalidParameterException>(() => LaunchTarget.ValidateServiceStrategy([], cluster, "EC2"));
    }
}
