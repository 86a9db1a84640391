namespace Berth.Core.Cost;

/// <summary>
/// How long the usage of forgotten tasks is kept: this month and the <c>months</c> whole months before it, as Cost
/// Explorer keeps 13 months of history. A record whose task stopped before the first of the oldest kept month goes.
/// </summary>
public static class UsageRetention
{
    /// <summary>Cost Explorer's history: 13 months.</summary>
    public const int DefaultMonths = 13;

    /// <summary>The first instant kept: midnight UTC on the first of the month <paramref name="months"/> before now's.</summary>
    public static DateTimeOffset Cutoff(DateTimeOffset now, int months)
    {
        var utc = now.UtcDateTime;
        return new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(-months);
    }

    public static bool IsExpired(TaskUsage usage, DateTimeOffset cutoff) => (usage.StoppedAt ?? usage.StartedAt) < cutoff;
}
