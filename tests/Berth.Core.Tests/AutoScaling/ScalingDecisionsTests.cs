using Berth.Core.AutoScaling;

namespace Berth.Core.Tests.AutoScaling;

public class ScalingDecisionsTests
{
    private static StepScalingPolicyConfiguration Steps(string adjustmentType, int? minMagnitude = null) => new()
    {
        AdjustmentType = adjustmentType,
        MinAdjustmentMagnitude = minMagnitude,
        StepAdjustments =
        [
            new StepAdjustment { MetricIntervalUpperBound = 0, ScalingAdjustment = -1 },
            new StepAdjustment { MetricIntervalLowerBound = 0, MetricIntervalUpperBound = 20, ScalingAdjustment = 1 },
            new StepAdjustment { MetricIntervalLowerBound = 20, ScalingAdjustment = 3 },
        ],
    };

    [Theory]
    [InlineData(2, 90, true, 4)]   // 2 × 90 / 50 = 3.6: rounded up so the metric comes under the target
    [InlineData(3, 51, true, 4)]   // just over: one more task
    [InlineData(4, 40, false, 3)]  // 4 × 40 / 50 = 3.2: rounded down
    [InlineData(4, 49, false, 3)]
    [InlineData(1, 5, false, 0)]
    public void Target_tracking_is_proportional_to_the_metric_over_the_target(int current, double metric, bool scaleOut, int expected) =>
        Assert.Equal(expected, ScalingDecisions.TargetTracking(current, metric, 50, scaleOut));

    [Theory]
    [InlineData(-5, 3)]
    [InlineData(0, 5)]
    [InlineData(19.9, 5)]
    [InlineData(20, 7)]
    public void Step_scaling_applies_the_step_holding_the_breach(double breach, int expected) =>
        Assert.Equal(expected, ScalingDecisions.Step(4, Steps("ChangeInCapacity"), breach));

    [Fact]
    public void Exact_and_percent_adjustments_round_as_application_auto_scaling_does()
    {
        Assert.Equal(3, ScalingDecisions.Step(10, Steps("ExactCapacity"), 25));
        // 10 × 3% = 0.3 rounds to 1; 4 × -1% to -1; with a minimum magnitude of 2, +1 becomes +2.
        Assert.Equal(11, ScalingDecisions.Step(10, Steps("PercentChangeInCapacity"), 25));
        Assert.Equal(3, ScalingDecisions.Step(4, Steps("PercentChangeInCapacity"), -1));
        Assert.Equal(12, ScalingDecisions.Step(10, Steps("PercentChangeInCapacity", minMagnitude: 2), 25));
        Assert.Equal(4, ScalingDecisions.Clamp(9, 0, 4));
        Assert.Equal(1, ScalingDecisions.Clamp(0, 1, 4));
    }
}
