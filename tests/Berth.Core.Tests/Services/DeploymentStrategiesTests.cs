using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Services;

namespace Berth.Core.Tests.Services;

public class DeploymentStrategiesTests
{
    private const string Blue = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/blue/1";
    private const string Green = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/green/2";
    private const string Rule = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/lb/1/2/3";

    private static LoadBalancer Balancer(AdvancedConfiguration? advanced) =>
        new() { TargetGroupArn = Blue, ContainerName = "web", ContainerPort = 80, AdvancedConfiguration = advanced };

    private static readonly AdvancedConfiguration Advanced = new() { AlternateTargetGroupArn = Green, ProductionListenerRule = Rule };

    private static Exception? Validate(DeploymentConfiguration configuration, params LoadBalancer[] balancers) =>
        Record.Exception(() => DeploymentStrategies.Validate(null, configuration, configuration, balancers));

    [Theory]
    [InlineData("ROLLING")]
    [InlineData("BLUE_GREEN")]
    [InlineData("LINEAR")]
    [InlineData("CANARY")]
    public void Every_strategy_of_the_model_is_accepted_with_load_balancers_that_name_their_alternate(string strategy) =>
        Assert.Null(Validate(new DeploymentConfiguration { Strategy = strategy, BakeTimeInMinutes = 5 }, Balancer(Advanced)));

    [Fact]
    public void An_unknown_strategy_is_refused_with_the_valid_values()
    {
        var error = Assert.IsType<InvalidParameterException>(Validate(new DeploymentConfiguration { Strategy = "RECREATE" }));
        Assert.Equal("Invalid value 'RECREATE' for deploymentConfiguration.strategy. Valid values are: BLUE_GREEN, CANARY, LINEAR, ROLLING.", error.Message);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1441)]
    public void Bake_time_is_0_to_1440_minutes(int minutes) =>
        Assert.IsType<InvalidParameterException>(Validate(new DeploymentConfiguration { Strategy = "BLUE_GREEN", BakeTimeInMinutes = minutes }, Balancer(Advanced)));

    [Theory]
    [InlineData(3.0, true)]
    [InlineData(100.0, true)]
    [InlineData(12.5, true)]
    [InlineData(2.9, false)]
    [InlineData(100.1, false)]
    [InlineData(10.05, false)]
    public void Linear_steps_are_multiples_of_a_tenth_from_3_to_100(double percent, bool valid)
    {
        var error = Validate(new DeploymentConfiguration { Strategy = "LINEAR", LinearConfiguration = new LinearConfiguration { StepPercent = percent } }, Balancer(Advanced));
        Assert.Equal(valid, error is null);
    }

    [Theory]
    [InlineData(0.1, true)]
    [InlineData(5.0, true)]
    [InlineData(0.0, false)]
    [InlineData(0.05, false)]
    public void Canary_percent_is_a_multiple_of_a_tenth_from_0_1_to_100(double percent, bool valid)
    {
        var error = Validate(new DeploymentConfiguration { Strategy = "CANARY", CanaryConfiguration = new CanaryConfiguration { CanaryPercent = percent } }, Balancer(Advanced));
        Assert.Equal(valid, error is null);
    }

    [Fact]
    public void Step_and_canary_bake_times_are_0_to_1440_minutes()
    {
        Assert.NotNull(Validate(new DeploymentConfiguration { Strategy = "LINEAR", LinearConfiguration = new LinearConfiguration { StepBakeTimeInMinutes = 1441 } }, Balancer(Advanced)));
        Assert.NotNull(Validate(new DeploymentConfiguration { Strategy = "CANARY", CanaryConfiguration = new CanaryConfiguration { CanaryBakeTimeInMinutes = -1 } }, Balancer(Advanced)));
    }

    [Fact]
    public void A_strategy_configuration_is_only_valid_with_its_strategy()
    {
        var error = Validate(new DeploymentConfiguration { Strategy = "CANARY", LinearConfiguration = new LinearConfiguration { StepPercent = 10 } }, Balancer(Advanced));
        Assert.Equal("deploymentConfiguration.linearConfiguration is only valid with the LINEAR deployment strategy.", error?.Message);
    }

    [Theory]
    [InlineData("LINEAR")]
    [InlineData("CANARY")]
    public void Linear_and_canary_need_a_load_balancer_to_shift_traffic(string strategy)
    {
        var error = Assert.IsType<InvalidParameterException>(Validate(new DeploymentConfiguration { Strategy = strategy }));
        Assert.Equal($"The {strategy} deployment strategy requires a load balancer to shift production traffic.", error.Message);
    }

    [Fact]
    public void Blue_green_without_a_load_balancer_runs_without_traffic_shifting() =>
        Assert.Null(Validate(new DeploymentConfiguration { Strategy = "BLUE_GREEN" }));

    [Fact]
    public void Traffic_shifting_needs_the_alternate_target_group_and_the_production_rule_of_every_load_balancer()
    {
        var configuration = new DeploymentConfiguration { Strategy = "BLUE_GREEN" };
        Assert.Equal(
            "The BLUE_GREEN deployment strategy requires advancedConfiguration (alternateTargetGroupArn and productionListenerRule) for every load balancer.",
            Validate(configuration, Balancer(null))?.Message);
        Assert.Equal(
            "loadBalancers.advancedConfiguration.productionListenerRule can not be blank.",
            Validate(configuration, Balancer(Advanced with { ProductionListenerRule = null }))?.Message);
        Assert.Equal(
            "loadBalancers.advancedConfiguration.alternateTargetGroupArn must differ from the load balancer's targetGroupArn.",
            Validate(configuration, Balancer(Advanced with { AlternateTargetGroupArn = Blue }))?.Message);
        Assert.Null(Validate(configuration, Balancer(Advanced with { TestListenerRule = Rule + "4" })));
    }

    [Fact]
    public void Only_the_ECS_controller_runs_the_new_strategies()
    {
        var configuration = new DeploymentConfiguration { Strategy = "BLUE_GREEN" };
        var error = Record.Exception(() => DeploymentStrategies.Validate("EXTERNAL", configuration, configuration, [Balancer(Advanced)]));
        Assert.Equal("The BLUE_GREEN deployment strategy is only supported with the ECS deployment controller.", error?.Message);
    }

    [Fact]
    public void Lambda_lifecycle_hooks_are_refused_because_Berth_cannot_invoke_their_functions()
    {
        var hooks = new DeploymentConfiguration
        {
            Strategy = "BLUE_GREEN",
            LifecycleHooks = [new DeploymentLifecycleHook { HookTargetArn = "arn:aws:lambda:us-east-1:123456789012:function:check", LifecycleStages = ["POST_SCALE_UP"] }],
        };
        var error = Assert.IsType<UnsupportedFeatureException>(Validate(hooks, Balancer(Advanced)));
        Assert.Contains("Lambda", error.Message, StringComparison.Ordinal);
        var pause = hooks with { LifecycleHooks = [new DeploymentLifecycleHook { TargetType = "PAUSE", LifecycleStages = ["POST_SCALE_UP"] }] };
        Assert.Null(Validate(pause, Balancer(Advanced)));
    }
}
