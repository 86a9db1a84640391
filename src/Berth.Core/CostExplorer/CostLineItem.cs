using Berth.Core.Cost;

namespace Berth.Core.CostExplorer;

/// <summary>
/// One row of the bill as Cost Explorer sees it: a task's vCPU or memory usage within one period of the answer, with
/// the dimensions Berth serves (SERVICE, USAGE_TYPE, REGION) and the task's tags.
/// </summary>
public sealed record CostLineItem(string Service, string UsageType, string Region, IReadOnlyDictionary<string, string> Tags, decimal Cost, double Quantity)
{
    /// <summary>Cost Explorer's name for ECS, the SERVICE of every Fargate charge.</summary>
    public const string EcsService = "Amazon Elastic Container Service";

    /// <summary>
    /// The two rows (vCPU-hours, GB-hours) of <paramref name="usage"/> in [<paramref name="from"/>, <paramref name="to"/>),
    /// named as on an AWS bill: <c>USE1-Fargate-vCPU-Hours:perCPU</c>, <c>USE1-Fargate-GB-Hours</c>, and
    /// <c>USE1-SpotUsage-Fargate-…</c> for Spot. EC2 tasks have none: their instances are what AWS bills.
    /// </summary>
    public static IEnumerable<CostLineItem> Of(TaskUsage usage, FargatePriceTable prices, DateTimeOffset now, DateTimeOffset from, DateTimeOffset to)
    {
        if (usage.Capacity == UsageCapacity.Ec2)
        {
            yield break;
        }
        var seconds = UsageMeter.SecondsWithin(usage, now, from, to);
        if (seconds <= 0)
        {
            yield break;
        }
        var region = prices.For(usage.Region);
        var (rate, spot) = usage.Capacity == UsageCapacity.FargateSpot ? (region.Spot, "SpotUsage-") : (region.OnDemand, "");
        var tags = usage.Tags.Where(t => t.Key is not null).GroupBy(t => t.Key!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last().Value ?? "", StringComparer.Ordinal);
        var vcpuHours = usage.Vcpu * seconds / 3600;
        var gbHours = usage.MemoryGb * seconds / 3600;
        yield return new(EcsService, $"{region.UsageTypePrefix}-{spot}Fargate-vCPU-Hours:perCPU", usage.Region, tags, rate.Cost(vcpuHours, 0), vcpuHours);
        yield return new(EcsService, $"{region.UsageTypePrefix}-{spot}Fargate-GB-Hours", usage.Region, tags, rate.Cost(0, gbHours), gbHours);
    }

    /// <summary>The value of a dimension Berth serves, or null for one it does not.</summary>
    public string? Dimension(string key) => key switch
    {
        "SERVICE" => Service,
        "USAGE_TYPE" => UsageType,
        "REGION" => Region,
        _ => null,
    };
}
