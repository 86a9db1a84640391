using Berth.Core.Errors;

namespace Berth.Core.Logs;

/// <summary>The retention periods PutRetentionPolicy accepts, in days (CloudWatch Logs' fixed list).</summary>
public static class RetentionPeriods
{
    public static readonly IReadOnlyList<int> Allowed =
        [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

    public static int Validate(int? days) =>
        days is { } d && Allowed.Contains(d)
            ? d
            : throw new InvalidParameterException(
                $"1 validation error detected: Value '{days}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", Allowed)}]");

    /// <summary>Events with a timestamp before this (epoch ms) have expired under a retention of <paramref name="days"/>.</summary>
    public static long CutoffMs(int days, DateTimeOffset now) => now.ToUnixTimeMilliseconds() - TimeSpan.FromDays(days).Ticks / TimeSpan.TicksPerMillisecond;
}
