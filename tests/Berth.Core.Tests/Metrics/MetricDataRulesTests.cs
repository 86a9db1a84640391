using Berth.Core.CloudWatch;
using Berth.Core.Errors;
using Berth.Core.Metrics;

namespace Berth.Core.Tests.Metrics;

public class MetricDataRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 30, TimeSpan.Zero);

    private static IReadOnlyList<MetricPoint> Put(params MetricDatum[] data) =>
        MetricDataRules.ToPoints(new PutMetricDataInput { Namespace = "App", MetricData = data }, Now);

    [Fact]
    public void A_value_is_one_sample_at_now_with_sorted_dimensions()
    {
        var point = Assert.Single(Put(new MetricDatum
        {
            MetricName = "Latency",
            Value = 12,
            Unit = "Milliseconds",
            Dimensions = [new Dimension { Name = "b", Value = "2" }, new Dimension { Name = "a", Value = "1" }],
        }));

        Assert.Equal(new MetricSeries("App", "Latency", [new("a", "1"), new("b", "2")]), point.Series);
        Assert.Equal((Now, Rollup.Of(12), "Milliseconds"), (point.Timestamp, point.Value, point.Unit));
    }

    [Fact]
    public void Values_with_counts_weigh_each_value()
    {
        var point = Assert.Single(Put(new MetricDatum { MetricName = "m", Values = [1, 2], Counts = [1, 3] }));

        Assert.Equal(new Rollup(7, 4, 1, 2), point.Value);
        Assert.Equal("None", point.Unit);
    }

    [Fact]
    public void Statistic_values_are_kept_as_given()
    {
        var point = Assert.Single(Put(new MetricDatum
        {
            MetricName = "m",
            StatisticValues = new StatisticSet { SampleCount = 3, Sum = 9, Minimum = 1, Maximum = 5 },
        }));

        Assert.Equal(new Rollup(9, 3, 1, 5), point.Value);
    }

    public static TheoryData<MetricDatum, Type> Invalid => new()
    {
        { new MetricDatum { Value = 1 }, typeof(MissingRequiredParameterException) },
        { new MetricDatum { MetricName = "m" }, typeof(InvalidParameterCombinationException) },
        { new MetricDatum { MetricName = "m", Value = 1, Values = [1] }, typeof(InvalidParameterCombinationException) },
        { new MetricDatum { MetricName = "m", Values = [1, 2], Counts = [1] }, typeof(InvalidParameterValueException) },
        { new MetricDatum { MetricName = "m", Value = 1, Unit = "Furlongs" }, typeof(InvalidParameterValueException) },
        { new MetricDatum { MetricName = "m", Value = 1, Timestamp = Now.AddDays(-15) }, typeof(InvalidParameterValueException) },
        { new MetricDatum { MetricName = "m", Value = 1, Timestamp = Now.AddHours(3) }, typeof(InvalidParameterValueException) },
        { new MetricDatum { MetricName = "m", StatisticValues = new StatisticSet { SampleCount = 1, Sum = 1, Minimum = 2 } }, typeof(MissingRequiredParameterException) },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_data_is_refused_with_cloudwatchs_error(MetricDatum datum, Type error)
    {
        var thrown = Assert.ThrowsAny<EcsException>(() => Put(datum));

        Assert.IsType(error, thrown);
    }

    [Fact]
    public void The_aws_namespace_prefix_is_reserved()
    {
        var error = Assert.Throws<InvalidParameterValueException>(() =>
            MetricDataRules.ToPoints(new PutMetricDataInput { Namespace = "AWS/ECS", MetricData = [new MetricDatum { MetricName = "m", Value = 1 }] }, Now));

        Assert.Equal("InvalidParameterValue", error.QueryErrorCode);
    }
}
