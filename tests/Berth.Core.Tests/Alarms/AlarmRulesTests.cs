using Berth.Core.Alarms;
using Berth.Core.Arns;
using Berth.Core.AutoScaling;
using Berth.Core.CloudWatch;
using Berth.Core.Metrics;

namespace Berth.Core.Tests.Alarms;

public class AlarmRulesTests
{
    private static readonly ResourceScope Scope = new("eu-west-1", "123456789012");
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 7, 20, 0, TimeSpan.Zero);

    private static readonly string PolicyArn =
        "arn:aws:autoscaling:eu-west-1:123456789012:scalingPolicy:6d8972f3-efc8-437c-92d1-6270f29a66e7:resource/ecs/service/default/web:policyName/cpu";

    private static PutMetricAlarmInput Input() => new()
    {
        AlarmName = "cpu-high",
        Namespace = "AWS/ECS",
        MetricName = "CPUUtilization",
        Dimensions = [new Dimension { Name = "ClusterName", Value = "default" }, new Dimension { Name = "ServiceName", Value = "web" }],
        Statistic = "Average",
        Period = 60,
        EvaluationPeriods = 3,
        Threshold = 50,
        ComparisonOperator = "GreaterThanThreshold",
        AlarmActions = [PolicyArn],
    };

    [Fact]
    public void A_new_alarm_starts_unchecked_in_insufficient_data_with_its_arn()
    {
        var alarm = AlarmRules.Build(Input(), null, Scope, Now);

        Assert.Equal(("arn:aws:cloudwatch:eu-west-1:123456789012:alarm:cpu-high", AlarmStates.InsufficientData, "Unchecked: Initial alarm creation", true, "missing"),
            (alarm.AlarmArn, alarm.StateValue, alarm.StateReason, alarm.ActionsEnabled, alarm.TreatMissingData));
        Assert.Equal("cpu-high", AlarmRules.NameOf(Scope, alarm.AlarmArn!));
    }

    [Fact]
    public void An_update_keeps_the_state_and_replaces_the_configuration()
    {
        var first = AlarmRules.Build(Input(), null, Scope, Now) with { StateValue = AlarmStates.Alarm, StateReason = "crossed" };

        var updated = AlarmRules.Build(Input() with { Threshold = 80, AlarmActions = null }, first, Scope, Now.AddMinutes(5));

        Assert.Equal((AlarmStates.Alarm, "crossed", 80.0, 0), (updated.StateValue, updated.StateReason, updated.Threshold!.Value, updated.AlarmActions!.Count));
    }

    public static TheoryData<PutMetricAlarmInput, Type, string> Refusals => new()
    {
        { Input() with { DatapointsToAlarm = 4 }, typeof(InvalidParameterValueException), "DatapointsToAlarm" },
        { Input() with { Period = 90 }, typeof(InvalidParameterValueException), "multiple of 60" },
        { Input() with { Period = 10 }, typeof(InvalidParameterValueException), "high-resolution" },
        { Input() with { Period = 86400, EvaluationPeriods = 8 }, typeof(InvalidParameterValueException), "7 days" },
        { Input() with { ExtendedStatistic = "p99" }, typeof(InvalidParameterCombinationException), "Statistic and ExtendedStatistic" },
        { Input() with { Statistic = null }, typeof(InvalidParameterCombinationException), "Statistic and ExtendedStatistic" },
        { Input() with { Statistic = "Median" }, typeof(InvalidParameterValueException), "Statistic" },
        { Input() with { ComparisonOperator = "Above" }, typeof(InvalidParameterValueException), "ComparisonOperator" },
        { Input() with { ComparisonOperator = "GreaterThanUpperThreshold" }, typeof(InvalidParameterValueException), "anomaly" },
        { Input() with { TreatMissingData = "zero" }, typeof(InvalidParameterValueException), "TreatMissingData" },
        { Input() with { Threshold = null }, typeof(MissingRequiredParameterException), "Threshold" },
        { Input() with { EvaluationPeriods = null }, typeof(MissingRequiredParameterException), "EvaluationPeriods" },
        { Input() with { AlarmName = new string('a', 256) }, typeof(InvalidParameterValueException), "AlarmName" },
        { Input() with { Metrics = [new MetricDataQuery { Id = "m1", Expression = "m2*2" }] }, typeof(InvalidParameterValueException), "metric math" },
        { Input() with { AlarmActions = ["arn:aws:sns:eu-west-1:123456789012:ops"] }, typeof(InvalidParameterValueException), "Application Auto Scaling" },
        { Input() with { OKActions = [PolicyArn.Replace("eu-west-1", "us-east-1", StringComparison.Ordinal)] }, typeof(InvalidParameterValueException), "account and region" },
        { Input() with { Dimensions = [new Dimension { Name = "A", Value = "1" }, new Dimension { Name = "A", Value = "2" }] }, typeof(InvalidParameterValueException), "twice" },
        { Input() with { Unit = "Furlongs" }, typeof(InvalidParameterValueException), "Unit" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Invalid_alarms_are_refused_as_cloudwatch_refuses_them(PutMetricAlarmInput input, Type error, string mentioned)
    {
        var thrown = Assert.ThrowsAny<Exception>(() => AlarmRules.Build(input, null, Scope, Now));

        Assert.IsType(error, thrown);
        Assert.Contains(mentioned, thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scaling_policy_arns_parse_into_their_parts_and_back()
    {
        var parsed = ScalingPolicyArn.TryParse(PolicyArn)!;

        Assert.Equal(new ScalingPolicyArn("aws", "eu-west-1", "123456789012", "6d8972f3-efc8-437c-92d1-6270f29a66e7", "ecs", "service/default/web", "cpu"), parsed);
        Assert.Equal(PolicyArn, ScalingPolicyArn.Format(Scope, parsed.Id, parsed.ServiceNamespace, parsed.ResourceId, parsed.PolicyName));
        Assert.Null(ScalingPolicyArn.TryParse("arn:aws:autoscaling:eu-west-1:123456789012:scalingPolicy:x"));
    }

    [Fact]
    public void Evaluation_reads_the_last_complete_periods_and_marks_gaps()
    {
        var now = new DateTimeOffset(2026, 12, 5, 7, 21, 20, TimeSpan.Zero);
        var (start, end) = AlarmPeriods.Range(now, 60, 3);
        var series = new StoredSeries("Percent", [(start, Rollup.Of(10)), (start.AddSeconds(30), Rollup.Of(30)), (start.AddMinutes(2), Rollup.Of(5))]);

        var periods = AlarmPeriods.Datapoints(series, "Average", null, start, end, 60);

        // 07:21:20 less the publishing delay is 07:20:50: the newest complete minute is 07:19-07:20.
        Assert.Equal((new DateTimeOffset(2026, 12, 5, 7, 17, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 5, 7, 20, 0, TimeSpan.Zero)), (start, end));
        Assert.Equal([20, null, 5], periods.Select(p => p.Value));
        Assert.All(AlarmPeriods.Datapoints(series, "Average", "Count", start, end, 60), p => Assert.Null(p.Value));
    }
}
