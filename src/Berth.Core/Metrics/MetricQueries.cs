using Berth.Core.CloudWatch;

namespace Berth.Core.Metrics;

/// <summary>
/// GetMetricStatistics and GetMetricData over stored rollups: both bucket the same rollups the same way
/// (<see cref="MetricStatistics.Bucket"/>), so they agree on every value.
/// </summary>
public static class MetricQueries
{
    /// <summary>GetMetricStatistics answers at most this many datapoints.</summary>
    public const int MaxDatapoints = 1440;

    /// <summary>The time range, validated; what both operations read from the store.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Range(DateTimeOffset? start, DateTimeOffset? end)
    {
        var from = start ?? throw new MissingRequiredParameterException("StartTime");
        var to = end ?? throw new MissingRequiredParameterException("EndTime");
        return from < to ? (from, to) : throw new InvalidParameterValueException("The parameter StartTime must be less than the parameter EndTime.");
    }

    public static MetricSeries SeriesOf(GetMetricStatisticsInput input) =>
        MetricSeries.Create(MetricDataRules.Require(input.Namespace, "Namespace"), MetricDataRules.Require(input.MetricName, "MetricName"), input.Dimensions);

    public static IReadOnlyList<string> ValidateStatistics(GetMetricStatisticsInput input, DateTimeOffset now)
    {
        var (start, end) = Range(input.StartTime, input.EndTime);
        MetricStatistics.ValidatePeriod(input.Period, start, now, "Period");
        if (input.ExtendedStatistics is { Count: > 0 })
        {
            throw new InvalidParameterValueException("Berth does not support ExtendedStatistics (percentiles): it keeps statistic sets, not samples.");
        }
        var statistics = input.Statistics is { Count: > 0 } s ? s : throw new MissingRequiredParameterException("Statistics");
        if (statistics.FirstOrDefault(n => !MetricStatistics.Names.Contains(n)) is { } bad)
        {
            throw new InvalidParameterValueException($"The value {bad} for parameter Statistics is not valid.");
        }
        var requested = (long)Math.Ceiling((end - start).TotalSeconds / input.Period!.Value);
        if (requested > MaxDatapoints)
        {
            throw new InvalidParameterCombinationException(
                $"You have requested up to {requested} datapoints, which exceeds the limit of {MaxDatapoints}. You may reduce the datapoints requested by increasing Period, or decreasing the time range.");
        }
        return statistics;
    }

    public static IReadOnlyList<Datapoint> Datapoints(GetMetricStatisticsInput input, IReadOnlyList<string> statistics, StoredSeries? stored)
    {
        if (!UnitMatches(stored, input.Unit))
        {
            return [];
        }
        return MetricStatistics.Bucket(stored!.Points, input.StartTime!.Value, input.EndTime!.Value, input.Period!.Value)
            .Select(b => new Datapoint
            {
                Timestamp = b.Start,
                SampleCount = Statistic(statistics, "SampleCount", b.Value),
                Average = Statistic(statistics, "Average", b.Value),
                Sum = Statistic(statistics, "Sum", b.Value),
                Minimum = Statistic(statistics, "Minimum", b.Value),
                Maximum = Statistic(statistics, "Maximum", b.Value),
                Unit = stored.Unit,
            })
            .ToList();
    }

    /// <summary>A MetricStat query, validated: the series, its period and statistic.</summary>
    public sealed record StatQuery(string Id, string Label, MetricSeries Series, int Period, string Stat, string? Unit, bool ReturnData);

    public static IReadOnlyList<StatQuery> ValidateDataQueries(GetMetricDataInput input, DateTimeOffset now)
    {
        var (start, _) = Range(input.StartTime, input.EndTime);
        var queries = input.MetricDataQueries is { Count: > 0 } q ? q : throw new MissingRequiredParameterException("MetricDataQueries");
        if (input.ScanBy is { } scan && !CloudWatchEnums.ScanBy.Contains(scan))
        {
            throw new InvalidParameterValueException($"The value {scan} for parameter ScanBy is not valid.");
        }
        return queries.Select((query, i) =>
        {
            var path = $"MetricDataQueries.member.{i + 1}";
            var id = MetricDataRules.Require(query.Id, $"{path}.Id");
            if (query.Expression is not null)
            {
                throw new InvalidParameterValueException($"{path}: Berth does not support metric math expressions; use MetricStat.");
            }
            var stat = query.MetricStat ?? throw new MissingRequiredParameterException($"{path}.MetricStat");
            var metric = stat.Metric ?? throw new MissingRequiredParameterException($"{path}.MetricStat.Metric");
            var statistic = MetricDataRules.Require(stat.Stat, $"{path}.MetricStat.Stat");
            if (!MetricStatistics.Names.Contains(statistic))
            {
                throw new InvalidParameterValueException(
                    $"{path}.MetricStat.Stat {statistic} is not supported: Berth answers SampleCount, Average, Sum, Minimum and Maximum.");
            }
            MetricStatistics.ValidatePeriod(stat.Period, start, now, $"{path}.MetricStat.Period");
            var series = MetricSeries.Create(
                MetricDataRules.Require(metric.Namespace, $"{path}.MetricStat.Metric.Namespace"),
                MetricDataRules.Require(metric.MetricName, $"{path}.MetricStat.Metric.MetricName"),
                metric.Dimensions);
            return new StatQuery(id, query.Label ?? series.MetricName, series, stat.Period!.Value, statistic, stat.Unit, query.ReturnData ?? true);
        }).ToList();
    }

    public static MetricDataResult Result(StatQuery query, GetMetricDataInput input, StoredSeries? stored)
    {
        var buckets = UnitMatches(stored, query.Unit)
            ? MetricStatistics.Bucket(stored!.Points, input.StartTime!.Value, input.EndTime!.Value, query.Period)
            : [];
        // GetMetricData returns the newest first unless ScanBy says TimestampAscending.
        var ordered = input.ScanBy == "TimestampAscending" ? buckets : buckets.Reverse().ToList();
        return new MetricDataResult
        {
            Id = query.Id,
            Label = query.Label,
            Timestamps = ordered.Select(b => b.Start).ToList(),
            Values = ordered.Select(b => MetricStatistics.Value(b.Value, query.Stat)!.Value).ToList(),
            StatusCode = "Complete",
            Messages = [],
        };
    }

    private static bool UnitMatches(StoredSeries? stored, string? unit) => stored is not null && (unit is null || unit == stored.Unit);

    private static double? Statistic(IReadOnlyList<string> requested, string name, Rollup value) =>
        requested.Contains(name) ? MetricStatistics.Value(value, name) : null;
}
