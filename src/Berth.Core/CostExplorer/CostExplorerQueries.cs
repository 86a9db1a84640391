using System.Globalization;
using Berth.Core.Cost;
using Berth.Core.Errors;

namespace Berth.Core.CostExplorer;

/// <summary>
/// The Cost Explorer operations Berth answers, as pure functions of the account's task usage, the price table and the
/// time: GetCostAndUsage, GetDimensionValues and GetTags.
/// </summary>
public static class CostExplorerQueries
{
    /// <summary>A GetCostAndUsage page holds periods until their groups (or the period itself, ungrouped) reach this many rows.</summary>
    public const int MaxRowsPerPage = 100;

    private const int MaxValues = 1000;

    public static GetCostAndUsageResponse CostAndUsage(GetCostAndUsageRequest request, IReadOnlyList<TaskUsage> usages, FargatePriceTable prices, DateTimeOffset now)
    {
        var (start, end) = CostExplorerRules.Period(request.TimePeriod);
        CostExplorerRules.CheckGranularity(request.Granularity);
        var metrics = CostExplorerRules.Metrics(request.Metrics);
        var groupBy = CostExplorerRules.GroupBy(request.GroupBy);
        CostExplorerRules.CheckFilter(request.Filter);
        var periods = Periods(start, end, request.Granularity!).ToList();
        var first = request.NextPageToken is null ? 0 : periods.FindIndex(p => DateOf(p.From) == request.NextPageToken);
        if (first < 0)
        {
            throw new InvalidNextTokenException();
        }
        var results = new List<ResultByTime>();
        var rows = 0;
        string? next = null;
        foreach (var (from, to) in periods.Skip(first))
        {
            var items = usages.SelectMany(u => CostLineItem.Of(u, prices, now, from, to)).Where(i => CostFilter.Matches(request.Filter, i)).ToList();
            var result = Result(items, metrics, groupBy, from, to, now);
            var size = Math.Max(1, result.Groups!.Count);
            if (results.Count > 0 && rows + size > MaxRowsPerPage)
            {
                next = DateOf(from);
                break;
            }
            results.Add(result);
            rows += size;
        }
        return new GetCostAndUsageResponse { ResultsByTime = results, GroupDefinitions = groupBy.Count > 0 ? groupBy : null, DimensionValueAttributes = [], NextPageToken = next };
    }

    public static GetDimensionValuesResponse DimensionValues(GetDimensionValuesRequest request, IReadOnlyList<TaskUsage> usages, FargatePriceTable prices, DateTimeOffset now)
    {
        if (!CostExplorerRules.Dimensions.Contains(request.Dimension))
        {
            throw new ValidationException($"Dimension '{request.Dimension}' is not supported: Berth answers {string.Join(", ", CostExplorerRules.Dimensions)}.");
        }
        if (request.Context is not (null or "COST_AND_USAGE"))
        {
            throw new ValidationException($"Context '{request.Context}' is not supported: Berth answers COST_AND_USAGE.");
        }
        var values = Values(request.TimePeriod, request.Filter, request.SearchString, usages, prices, now, i => [i.Dimension(request.Dimension!)!]);
        var (page, next, total) = Page(values, request.MaxResults, request.NextPageToken);
        return new GetDimensionValuesResponse
        {
            DimensionValues = [.. page.Select(v => new DimensionValuesWithAttributes { Value = v, Attributes = new Dictionary<string, string>() })],
            ReturnSize = page.Count,
            TotalSize = total,
            NextPageToken = next,
        };
    }

    /// <summary>Without a TagKey the tag keys in use; with one, that key's values.</summary>
    public static GetTagsResponse Tags(GetTagsRequest request, IReadOnlyList<TaskUsage> usages, FargatePriceTable prices, DateTimeOffset now)
    {
        var values = Values(request.TimePeriod, request.Filter, request.SearchString, usages, prices, now, i =>
            request.TagKey is null ? i.Tags.Keys : i.Tags.TryGetValue(request.TagKey, out var value) ? [value] : []);
        var (page, next, total) = Page(values, request.MaxResults, request.NextPageToken);
        return new GetTagsResponse { Tags = page, ReturnSize = page.Count, TotalSize = total, NextPageToken = next };
    }

    /// <summary>The periods of the answer: days, or calendar months cut to the requested period, as Cost Explorer gives them.</summary>
    private static IEnumerable<(DateTimeOffset From, DateTimeOffset To)> Periods(DateTimeOffset start, DateTimeOffset end, string granularity)
    {
        for (var from = start; from < end;)
        {
            var to = granularity == "DAILY" ? from.AddDays(1) : new DateTimeOffset(from.Year, from.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
            to = to < end ? to : end;
            yield return (from, to);
            from = to;
        }
    }

    private static ResultByTime Result(
        IReadOnlyList<CostLineItem> items, IReadOnlyList<string> metrics, IReadOnlyList<GroupDefinition> groupBy, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now)
    {
        var quantityUnit = groupBy.Any(g => g.Key == "USAGE_TYPE") ? "Hrs" : "N/A";
        var period = new DateInterval { Start = DateOf(from), End = DateOf(to) };
        if (groupBy.Count == 0)
        {
            return new ResultByTime { TimePeriod = period, Total = Metrics(items, metrics, quantityUnit), Groups = [], Estimated = to > now };
        }
        var groups = items.GroupBy(i => string.Join('\n', groupBy.Select(g => KeyOf(i, g))), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new Group { Keys = g.Key.Split('\n'), Metrics = Metrics([.. g], metrics, quantityUnit) })
            .ToList();
        return new ResultByTime { TimePeriod = period, Total = new Dictionary<string, MetricValue>(), Groups = groups, Estimated = to > now };
    }

    /// <summary>A group's key: the dimension's value, or <c>key$value</c> for a tag (<c>key$</c> when the item has none).</summary>
    private static string KeyOf(CostLineItem item, GroupDefinition group) =>
        group.Type == "TAG" ? $"{group.Key}${item.Tags.GetValueOrDefault(group.Key!)}" : item.Dimension(group.Key!)!;

    private static Dictionary<string, MetricValue> Metrics(IReadOnlyList<CostLineItem> items, IReadOnlyList<string> metrics, string quantityUnit) =>
        metrics.Distinct(StringComparer.Ordinal).ToDictionary(m => m, m => m == CostExplorerRules.UnblendedCost
            ? new MetricValue { Amount = Amount(items.Sum(i => i.Cost)), Unit = "USD" }
            : new MetricValue { Amount = Amount((decimal)items.Sum(i => i.Quantity)), Unit = quantityUnit }, StringComparer.Ordinal);

    private static List<string> Values(
        DateInterval? timePeriod, Expression? filter, string? search, IReadOnlyList<TaskUsage> usages, FargatePriceTable prices, DateTimeOffset now,
        Func<CostLineItem, IEnumerable<string>> valuesOf)
    {
        var (start, end) = CostExplorerRules.Period(timePeriod);
        CostExplorerRules.CheckFilter(filter);
        return [.. usages.SelectMany(u => CostLineItem.Of(u, prices, now, start, end))
            .Where(i => CostFilter.Matches(filter, i))
            .SelectMany(valuesOf)
            .Where(v => search is null || v.Contains(search, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>Values in order, the token the last value answered.</summary>
    private static (IReadOnlyList<string> Page, string? Next, int Total) Page(List<string> values, int? maxResults, string? token)
    {
        var size = maxResults switch
        {
            null => MaxValues,
            >= 1 and <= MaxValues => maxResults.Value,
            _ => throw new ValidationException($"MaxResults must be between 1 and {MaxValues}."),
        };
        var rest = token is null ? values : [.. values.Where(v => string.CompareOrdinal(v, token) > 0)];
        var page = rest.Take(size).ToList();
        return (page, rest.Count > size ? page[^1] : null, values.Count);
    }

    private static string DateOf(DateTimeOffset time) => time.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Amount(decimal amount) => amount.ToString("0.##########", CultureInfo.InvariantCulture);
}
