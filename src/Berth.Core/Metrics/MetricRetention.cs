namespace Berth.Core.Metrics;

/// <summary>
/// CloudWatch's retention schedule: 1-minute data for 15 days, then 5-minute data for 63 days, then 1-hour data
/// for 455 days (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#metrics-retention).
/// Older data is rolled up into the next tier, so disk use is bounded by the number of series.
/// </summary>
public static class MetricRetention
{
    public sealed record Tier(int ResolutionSeconds, TimeSpan KeptFor);

    public static readonly IReadOnlyList<Tier> Tiers =
    [
        new(60, TimeSpan.FromDays(15)),
        new(300, TimeSpan.FromDays(63)),
        new(3600, TimeSpan.FromDays(455)),
    ];

    /// <summary>The finest resolution still held for data at <paramref name="time"/>, or null once it is past retention.</summary>
    public static Tier? TierAt(DateTimeOffset time, DateTimeOffset now) => Tiers.FirstOrDefault(t => now - time <= t.KeptFor);

    public static DateTimeOffset Floor(DateTimeOffset time, int seconds) =>
        DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds() - (((time.ToUnixTimeSeconds() % seconds) + seconds) % seconds));
}
