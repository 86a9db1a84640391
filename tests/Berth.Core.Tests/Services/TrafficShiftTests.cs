using Berth.Core.Ecs;
using Berth.Core.Services;

namespace Berth.Core.Tests.Services;

/// <summary>The stage machine alone, driven by a fake clock: each strategy's stage sequence and traffic steps.</summary>
public class TrafficShiftTests
{
    private static readonly DateTimeOffset T0 = ServiceFixture.T0;

    private static DeploymentConfiguration Config(string strategy, int bake = 0) => new()
    {
        Strategy = strategy,
        BakeTimeInMinutes = bake,
        LinearConfiguration = strategy == "LINEAR" ? new LinearConfiguration { StepPercent = 40, StepBakeTimeInMinutes = 2 } : null,
        CanaryConfiguration = strategy == "CANARY" ? new CanaryConfiguration { CanaryPercent = 2.5, CanaryBakeTimeInMinutes = 3 } : null,
    };

    /// <summary>Steps one transition at a time at a fixed time, recording each stage, until nothing moves.</summary>
    private static List<string> Stages(ref TrafficShiftState shift, DeploymentConfiguration configuration, bool testRule, bool ready, DateTimeOffset now)
    {
        var seen = new List<string>();
        for (var next = TrafficShift.Step(shift, configuration, testRule, ready, now); next != shift; next = TrafficShift.Step(shift, configuration, testRule, ready, now))
        {
            shift = next;
            seen.Add($"{shift.Stage}:{shift.GreenPercent}");
        }
        return seen;
    }

    [Fact]
    public void Blue_green_waits_in_scale_up_for_a_healthy_green_then_shifts_everything_and_bakes()
    {
        var shift = TrafficShift.Start("ecs-svc/2", T0);
        var configuration = Config("BLUE_GREEN", bake: 5);

        Assert.Equal(["SCALE_UP:0"], Stages(ref shift, configuration, testRule: true, ready: false, T0));
        Assert.Equal(
            ["POST_SCALE_UP:0", "TEST_TRAFFIC_SHIFT:0", "POST_TEST_TRAFFIC_SHIFT:0", "PRODUCTION_TRAFFIC_SHIFT:100", "POST_PRODUCTION_TRAFFIC_SHIFT:100", "BAKE_TIME:100"],
            Stages(ref shift, configuration, testRule: true, ready: true, T0.AddSeconds(10)));
        Assert.Empty(Stages(ref shift, configuration, testRule: true, ready: true, T0.AddMinutes(5)));
        Assert.Equal(["CLEAN_UP:100"], Stages(ref shift, configuration, testRule: true, ready: true, T0.AddSeconds(10).AddMinutes(5)));
        Assert.False(TrafficShift.KeepsBlue(shift));
    }

    [Fact]
    public void Without_a_test_rule_the_test_traffic_stages_are_passed_over()
    {
        var shift = TrafficShift.Start("ecs-svc/2", T0);

        var stages = Stages(ref shift, Config("BLUE_GREEN"), testRule: false, ready: true, T0);

        Assert.Equal(["SCALE_UP:0", "POST_SCALE_UP:0", "PRODUCTION_TRAFFIC_SHIFT:100", "POST_PRODUCTION_TRAFFIC_SHIFT:100", "BAKE_TIME:100", "CLEAN_UP:100"], stages);
    }

    [Fact]
    public void Linear_moves_one_step_every_step_bake_time_and_does_not_wait_after_the_last()
    {
        var configuration = Config("LINEAR");
        var shift = TrafficShift.Advance(TrafficShift.Start("ecs-svc/2", T0), configuration, hasTestRule: false, greenReady: true, T0);
        Assert.Equal((TrafficShift.ProductionTrafficShift, 40.0), (shift.Stage, shift.GreenPercent));

        shift = TrafficShift.Advance(shift, configuration, false, true, T0.AddMinutes(1));
        Assert.Equal(40.0, shift.GreenPercent);
        shift = TrafficShift.Advance(shift, configuration, false, true, T0.AddMinutes(2));
        Assert.Equal(80.0, shift.GreenPercent);
        shift = TrafficShift.Advance(shift, configuration, false, true, T0.AddMinutes(4));
        Assert.Equal((TrafficShift.ProductionTrafficShift, 100.0), (shift.Stage, shift.GreenPercent));
        shift = TrafficShift.Advance(shift, configuration, false, true, T0.AddMinutes(4));
        Assert.Equal(TrafficShift.CleanUp, shift.Stage);
    }

    [Fact]
    public void Linear_holds_its_share_while_green_is_not_healthy()
    {
        var configuration = Config("LINEAR");
        var shift = TrafficShift.Advance(TrafficShift.Start("ecs-svc/2", T0), configuration, false, true, T0);

        shift = TrafficShift.Advance(shift, configuration, false, greenReady: false, T0.AddMinutes(10));

        Assert.Equal(40.0, shift.GreenPercent);
    }

    [Fact]
    public void Canary_shifts_its_share_then_the_rest_after_the_canary_bake_time()
    {
        var configuration = Config("CANARY", bake: 1);
        var shift = TrafficShift.Advance(TrafficShift.Start("ecs-svc/2", T0), configuration, false, true, T0);
        Assert.Equal(2.5, shift.GreenPercent);

        shift = TrafficShift.Advance(shift, configuration, false, true, T0.AddMinutes(2));
        Assert.Equal(2.5, shift.GreenPercent);
        shift = TrafficShift.Advance(shift, configuration, false, true, T0.AddMinutes(3));
        Assert.Equal((TrafficShift.ProductionTrafficShift, 100.0), (shift.Stage, shift.GreenPercent));
        shift = TrafficShift.Advance(shift, configuration, false, true, T0.AddMinutes(3));
        Assert.Equal(TrafficShift.BakeTime, shift.Stage);
        shift = TrafficShift.Advance(shift, configuration, false, true, T0.AddMinutes(4));
        Assert.Equal(TrafficShift.CleanUp, shift.Stage);
    }

    [Theory]
    [InlineData(0.0, 0, 100)]
    [InlineData(100.0, 100, 0)]
    [InlineData(10.0, 10, 90)]
    [InlineData(2.5, 25, 975)]
    [InlineData(0.1, 1, 999)]
    public void Weights_fit_ELB_s_0_to_999(double percent, int green, int blue) =>
        Assert.Equal((green, blue), TrafficShift.Weights(percent));

    [Fact]
    public void Every_stage_is_one_of_ECS_s_lifecycle_stages() =>
        Assert.All(TrafficShift.Stages, s => Assert.Contains(s, EcsEnums.ServiceDeploymentLifecycleStage));
}
