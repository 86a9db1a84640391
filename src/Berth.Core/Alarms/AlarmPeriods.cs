using Berth.Core.Metrics;

namespace Berth.Core.Alarms;

/// <summary>Which periods an evaluation looks at, and their statistic from the stored rollups.</summary>
public static class AlarmPeriods
{
    /// <summary>
    /// How long after a minute ends its datapoints are surely stored: agents report every 10 s and Berth publishes
    /// AWS/ECS metrics 15 s after their minute, so a period is evaluated once it ended this long ago (CloudWatch
    /// too evaluates the latest complete periods).
    /// </summary>
    public static readonly TimeSpan PublishDelay = TimeSpan.FromSeconds(30);

    /// <summary>The start of the oldest and the end of the newest of the <paramref name="count"/> periods evaluated at <paramref name="now"/>.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Range(DateTimeOffset now, int periodSeconds, int count)
    {
        var end = MetricRetention.Floor(now - PublishDelay, periodSeconds);
        return (end.AddSeconds(-(long)periodSeconds * count), end);
    }

    /// <summary>One datapoint per period of the range, oldest first; null where the period has no data (or data in another unit).</summary>
    public static IReadOnlyList<AlarmDatapoint> Datapoints(StoredSeries? stored, string statistic, string? unit, DateTimeOffset start, DateTimeOffset end, int periodSeconds)
    {
        var buckets = stored is not null && (unit is null || unit == stored.Unit)
            ? MetricStatistics.Bucket(stored.Points, start, end, periodSeconds).ToDictionary(b => b.Start, b => b.Value)
            : [];
        var count = (int)((end - start).TotalSeconds / periodSeconds);
        return Enumerable.Range(0, count)
            .Select(i => start.AddSeconds((long)i * periodSeconds))
            .Select(t => new AlarmDatapoint(t, buckets.TryGetValue(t, out var rollup) ? MetricStatistics.Value(rollup, statistic) : null))
            .ToList();
    }
}
