using Berth.Core.CloudWatch;

namespace Berth.Core.Metrics;

/// <summary>The statistics CloudWatch computes from a statistic set, and the bucketing of rollups into periods.</summary>
internal static class MetricStatistics
{
    public static readonly IReadOnlySet<string> Names = CloudWatchEnums.Statistic;

    /// <summary>SampleCount, Average, Sum, Minimum or Maximum of a rollup; null for other names.</summary>
    public static double? Value(Rollup rollup, string statistic) => statistic switch
    {
        "SampleCount" => rollup.Count,
        "Average" => rollup.Average,
        "Sum" => rollup.Sum,
        "Minimum" => rollup.Min,
        "Maximum" => rollup.Max,
        _ => null,
    };

    /// <summary>
    /// Merges stored rollups into periods of <paramref name="periodSeconds"/> that start at
    /// <paramref name="start"/> (aligned to the period as CloudWatch aligns them), oldest first. Periods
    /// without data are absent, as CloudWatch returns no datapoint for them.
    /// </summary>
    public static IReadOnlyList<(DateTimeOffset Start, Rollup Value)> Bucket(
        IEnumerable<(DateTimeOffset Timestamp, Rollup Value)> points, DateTimeOffset start, DateTimeOffset end, int periodSeconds)
    {
        var origin = MetricRetention.Floor(start, periodSeconds);
        var buckets = new SortedDictionary<long, Rollup>();
        foreach (var (timestamp, value) in points)
        {
            if (timestamp < start || timestamp >= end)
            {
                continue;
            }
            var index = (long)Math.Floor((timestamp - origin).TotalSeconds / periodSeconds);
            buckets[index] = buckets.TryGetValue(index, out var existing) ? existing.Merge(value) : value;
        }
        return buckets.Select(b => (origin.AddSeconds(b.Key * periodSeconds), b.Value)).ToList();
    }

    /// <summary>
    /// The period rules GetMetricStatistics and GetMetricData share: a multiple of 60 (Berth keeps no
    /// high-resolution data), and a multiple of the resolution still held for data as old as the start.
    /// </summary>
    public static void ValidatePeriod(int? period, DateTimeOffset start, DateTimeOffset now, string parameter)
    {
        if (period is not { } seconds || seconds < 1)
        {
            throw new InvalidParameterValueException($"The parameter {parameter} must be a positive number of seconds.");
        }
        if (seconds % 60 != 0)
        {
            throw new InvalidParameterValueException($"The parameter {parameter} must be a multiple of 60; Berth keeps no high-resolution metrics.");
        }
        if (MetricRetention.TierAt(start, now) is { } tier && seconds % tier.ResolutionSeconds != 0)
        {
            throw new InvalidParameterValueException(
                $"The parameter {parameter} must be a multiple of {tier.ResolutionSeconds} for data older than {(int)MetricRetention.Tiers[MetricRetention.Tiers.ToList().IndexOf(tier) - 1].KeptFor.TotalDays} days.");
        }
    }
}
