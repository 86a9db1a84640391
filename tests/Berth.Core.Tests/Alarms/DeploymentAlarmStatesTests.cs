using Berth.Core.Alarms;
using Berth.Core.CloudWatch;

namespace Berth.Core.Tests.Alarms;

public class DeploymentAlarmStatesTests
{
    private static MetricAlarm Alarm(string name, string state, int period = 60, int evaluationPeriods = 1) =>
        new() { AlarmName = name, StateValue = state, Period = period, EvaluationPeriods = evaluationPeriods };

    [Fact]
    public void Only_alarms_in_alarm_count_and_the_bake_time_is_the_longest_evaluation_window()
    {
        var states = DeploymentAlarmStates.Of(
            [Alarm("a", AlarmStates.Alarm, 60, 2), Alarm("b", AlarmStates.Ok, 300, 3), Alarm("c", AlarmStates.InsufficientData)]);

        Assert.Equal(["a"], states.InAlarm.Order(StringComparer.Ordinal));
        Assert.Equal(TimeSpan.FromMinutes(15), states.BakeTime);
    }

    [Fact]
    public void No_alarms_means_nothing_in_alarm_and_no_bake_time()
    {
        Assert.Equal(DeploymentAlarmStates.None.BakeTime, DeploymentAlarmStates.Of([]).BakeTime);
        Assert.Empty(DeploymentAlarmStates.Of([]).InAlarm);
    }

    [Theory]
    [InlineData(new[] { "a", "b", "c" }, new[] { "c", "a" }, new[] { "a", "c" })]
    [InlineData(new[] { "a", "a" }, new[] { "a" }, new[] { "a" })]
    [InlineData(new[] { "missing" }, new[] { "a" }, new string[0])]
    public void Triggered_names_the_watched_alarms_in_alarm_in_the_order_named(string[] watched, string[] inAlarm, string[] triggered)
    {
        Assert.Equal(triggered, DeploymentAlarmStates.Triggered(watched, inAlarm.ToHashSet(StringComparer.Ordinal)));
        Assert.Empty(DeploymentAlarmStates.Triggered(null, inAlarm.ToHashSet(StringComparer.Ordinal)));
    }
}
