namespace Berth.Core.Cost;

/// <summary>
/// Fargate's metering: per second, rounded up, with a one-minute minimum ("rounded up to the nearest second", "a
/// 1-minute minimum", aws.amazon.com/fargate/pricing). EC2 tasks are metered the same way, so their usage is what
/// Fargate would bill for them.
/// </summary>
public static class UsageMeter
{
    public static readonly TimeSpan Minimum = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The span billed for <paramref name="usage"/>: from its start for its running time (up to <paramref name="now"/>
    /// while it runs) rounded up to the second, and never less than <see cref="Minimum"/>, so a running task in its
    /// first minute is billed its whole minimum at once.
    /// </summary>
    public static (DateTimeOffset From, DateTimeOffset To) BilledSpan(TaskUsage usage, DateTimeOffset now)
    {
        var end = usage.StoppedAt ?? now;
        var seconds = Math.Max(Math.Ceiling((end - usage.StartedAt).TotalSeconds), Minimum.TotalSeconds);
        return (usage.StartedAt, usage.StartedAt.AddSeconds(seconds));
    }

    /// <summary>The billed seconds of <paramref name="usage"/> that fall in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public static double SecondsWithin(TaskUsage usage, DateTimeOffset now, DateTimeOffset from, DateTimeOffset to)
    {
        var (start, end) = BilledSpan(usage, now);
        var overlap = (end < to ? end : to) - (start > from ? start : from);
        return Math.Max(overlap.TotalSeconds, 0);
    }

    /// <summary>What <paramref name="usage"/> used and cost in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public static UsageCharge Charge(TaskUsage usage, FargatePriceTable prices, DateTimeOffset now, DateTimeOffset from, DateTimeOffset to)
    {
        var seconds = SecondsWithin(usage, now, from, to);
        var region = prices.For(usage.Region);
        var vcpuHours = usage.Vcpu * seconds / 3600;
        var gbHours = usage.MemoryGb * seconds / 3600;
        var onDemand = region.OnDemand.Cost(vcpuHours, gbHours);
        var cost = usage.Capacity switch
        {
            UsageCapacity.Fargate => onDemand,
            UsageCapacity.FargateSpot => region.Spot.Cost(vcpuHours, gbHours),
            _ => 0m,
        };
        return new UsageCharge(usage.Vcpu * seconds, usage.MemoryGb * seconds, cost, onDemand);
    }
}
