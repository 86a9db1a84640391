using Berth.Core.CloudWatch;
using Berth.Core.Metrics;

namespace Berth.Core.Tests.Metrics;

public class MetricStatisticsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Rollups_merge_into_one_statistic_set()
    {
        var merged = Rollup.Of(10).Merge(Rollup.Of(30)).Merge(new Rollup(Sum: 20, Count: 4, Min: 2, Max: 8));

        Assert.Equal(new Rollup(60, 6, 2, 30), merged);
        Assert.Equal(10, merged.Average);
        Assert.Equal([6, 10, 60, 2, 30], new[] { "SampleCount", "Average", "Sum", "Minimum", "Maximum" }.Select(s => MetricStatistics.Value(merged, s)!.Value));
        Assert.Null(MetricStatistics.Value(merged, "p99"));
    }

    [Fact]
    public void Minutes_are_bucketed_into_periods_aligned_to_the_period()
    {
        var points = Enumerable.Range(0, 10).Select(i => (T0.AddMinutes(i), Rollup.Of(i)));

        var buckets = MetricStatistics.Bucket(points, T0.AddMinutes(1), T0.AddMinutes(9), 300);

        // [10:01, 10:05) holds minutes 1-4 and [10:05, 10:10) minutes 5-8; 10:09 is at the end and left out.
        Assert.Equal(
            [(T0, new Rollup(1 + 2 + 3 + 4, 4, 1, 4)), (T0.AddMinutes(5), new Rollup(5 + 6 + 7 + 8, 4, 5, 8))],
            buckets);
    }

    [Fact]
    public void Periods_without_data_have_no_datapoint()
    {
        var buckets = MetricStatistics.Bucket([(T0, Rollup.Of(1)), (T0.AddMinutes(3), Rollup.Of(2))], T0, T0.AddMinutes(5), 60);

        Assert.Equal([T0, T0.AddMinutes(3)], buckets.Select(b => b.Start));
    }

    [Theory]
    [InlineData(60, 1, true)]
    [InlineData(90, 1, false)]
    [InlineData(30, 1, false)]
    [InlineData(60, 20, false)]
    [InlineData(300, 20, true)]
    [InlineData(300, 100, false)]
    [InlineData(3600, 100, true)]
    public void Periods_must_match_the_resolution_kept_for_data_that_old(int period, int daysAgo, bool valid)
    {
        var now = T0;
        var check = () => MetricStatistics.ValidatePeriod(period, now.AddDays(-daysAgo), now, "Period");

        if (valid)
        {
            check();
        }
        else
        {
            Assert.Throws<InvalidParameterValueException>(check);
        }
    }

    [Fact]
    public void Retention_tiers_are_cloudwatchs()
    {
        Assert.Equal(60, MetricRetention.TierAt(T0.AddDays(-14), T0)!.ResolutionSeconds);
        Assert.Equal(300, MetricRetention.TierAt(T0.AddDays(-16), T0)!.ResolutionSeconds);
        Assert.Equal(3600, MetricRetention.TierAt(T0.AddDays(-64), T0)!.ResolutionSeconds);
        Assert.Null(MetricRetention.TierAt(T0.AddDays(-456), T0));
    }
}
