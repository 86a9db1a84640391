using System.Text.Json.Serialization;
using Berth.Core.Errors;

namespace Berth.Core.Cost;

/// <summary>
/// <c>berth cost</c>'s table: usage and cost over a period, one row per cluster, service and capacity (or per value of
/// one tag and capacity), with the Spot savings and, for EC2 tasks, what the same usage would cost on Fargate.
/// </summary>
public sealed record CostReport(
    [property: JsonPropertyName("start")] DateTimeOffset Start,
    [property: JsonPropertyName("end")] DateTimeOffset End,
    [property: JsonPropertyName("tagKey")] string? TagKey,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("priceSource")] string PriceSource,
    [property: JsonPropertyName("rows")] IReadOnlyList<CostReportRow> Rows)
{
    /// <param name="by">Null: by cluster and service; <c>tag:KEY</c>: by that tag's value.</param>
    public static CostReport Build(IReadOnlyList<TaskUsage> usages, FargatePriceTable prices, DateTimeOffset now, DateTimeOffset start, DateTimeOffset end, string? by)
    {
        if (end <= start)
        {
            throw new ValidationException("The period's end must be after its start.");
        }
        var tagKey = by switch
        {
            null or "" or "service" => null,
            _ when by.StartsWith("tag:", StringComparison.Ordinal) && by.Length > 4 => by[4..],
            _ => throw new ValidationException($"--by '{by}' is not supported: use service or tag:<key>."),
        };
        var rows = usages
            .Select(u => (Usage: u, Charge: UsageMeter.Charge(u, prices, now, start, end)))
            .Where(x => x.Charge.VcpuSeconds > 0 || x.Charge.GbSeconds > 0)
            .GroupBy(x => tagKey is null
                ? (Cluster: x.Usage.ClusterName, Group: x.Usage.ServiceName ?? "-", x.Usage.Capacity)
                : (Cluster: "", Group: x.Usage.Tags.LastOrDefault(t => t.Key == tagKey)?.Value ?? "-", x.Usage.Capacity))
            .Select(g =>
            {
                var total = g.Aggregate(UsageCharge.None, (sum, x) => sum.Add(x.Charge));
                return new CostReportRow(g.Key.Cluster, g.Key.Group, g.Key.Capacity, g.Count(), total.VcpuSeconds / 3600, total.GbSeconds / 3600,
                    total.Cost, total.SpotSavings(g.Key.Capacity), g.Key.Capacity == UsageCapacity.Ec2 ? total.OnDemandCost : null);
            })
            .OrderBy(r => r.Cluster, StringComparer.Ordinal).ThenBy(r => r.Group, StringComparer.Ordinal).ThenBy(r => r.Capacity, StringComparer.Ordinal)
            .ToList();
        return new CostReport(start, end, tagKey, prices.Currency, $"{prices.Source} ({prices.Retrieved})", rows);
    }
}

/// <summary>
/// One row: <see cref="Group"/> is the service (<c>-</c> for RunTask's tasks) or the tag's value; <see cref="Cluster"/>
/// is empty when grouped by tag. <see cref="FargateEquivalent"/> is set for EC2 rows only.
/// </summary>
public sealed record CostReportRow(
    [property: JsonPropertyName("cluster")] string Cluster,
    [property: JsonPropertyName("group")] string Group,
    [property: JsonPropertyName("capacity")] string Capacity,
    [property: JsonPropertyName("tasks")] int Tasks,
    [property: JsonPropertyName("vcpuHours")] double VcpuHours,
    [property: JsonPropertyName("gbHours")] double GbHours,
    [property: JsonPropertyName("cost")] decimal Cost,
    [property: JsonPropertyName("spotSavings")] decimal SpotSavings,
    [property: JsonPropertyName("fargateEquivalent")] decimal? FargateEquivalent);

/// <summary>The body of <c>POST /_berth/cost/v1/report</c>: dates <c>yyyy-MM-dd</c> (End exclusive; default this month so far) and <c>by</c>.</summary>
public sealed record CostReportRequest(
    [property: JsonPropertyName("start")] string? Start,
    [property: JsonPropertyName("end")] string? End,
    [property: JsonPropertyName("by")] string? By);
