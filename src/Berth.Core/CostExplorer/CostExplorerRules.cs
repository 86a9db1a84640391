using System.Globalization;
using Berth.Core.Errors;

namespace Berth.Core.CostExplorer;

/// <summary>What Berth's Cost Explorer accepts, checked before anything is read; everything else is a ValidationException naming what is supported.</summary>
public static class CostExplorerRules
{
    /// <summary>The dimensions Berth's line items carry.</summary>
    public static readonly IReadOnlyList<string> Dimensions = ["SERVICE", "USAGE_TYPE", "REGION"];

    public const string UnblendedCost = "UnblendedCost";
    public const string UsageQuantity = "UsageQuantity";

    private static readonly TimeSpan MaxSpan = TimeSpan.FromDays(5 * 366);

    private static readonly string[] SupportedMatchOptions = ["EQUALS", "ABSENT", "STARTS_WITH", "ENDS_WITH", "CONTAINS", "CASE_SENSITIVE", "CASE_INSENSITIVE"];

    /// <summary>A TimePeriod's dates (<c>yyyy-MM-dd</c>, End exclusive) as UTC midnights.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Period(DateInterval? period)
    {
        if (period is null)
        {
            throw new ValidationException("TimePeriod is required.");
        }
        var start = Date(period.Start, "Start");
        var end = Date(period.End, "End");
        if (start >= end)
        {
            throw new ValidationException("Start date must be before End date.");
        }
        // Each period of the answer is computed, so a span is bounded (Cost Explorer keeps 38 months at most), and its
        // last month's end must be a date .NET has.
        return end - start <= MaxSpan && end.Year < 9999 ? (start, end) : throw new ValidationException("The time period may span at most 5 years and must end before 9999-01-01.");
    }

    public static void CheckGranularity(string? granularity)
    {
        if (granularity is not ("DAILY" or "MONTHLY"))
        {
            throw new ValidationException($"Granularity '{granularity}' is not supported: Berth answers DAILY and MONTHLY.");
        }
    }

    public static IReadOnlyList<string> Metrics(IReadOnlyList<string>? metrics)
    {
        if (metrics is not { Count: > 0 })
        {
            throw new ValidationException("Metrics is required.");
        }
        var other = metrics.FirstOrDefault(m => m is not (UnblendedCost or UsageQuantity));
        return other is null ? metrics : throw new ValidationException($"Metric '{other}' is not supported: Berth answers {UnblendedCost} and {UsageQuantity}.");
    }

    /// <summary>At most two groupings, each a DIMENSION Berth serves or a TAG key (Cost Explorer's limit is two).</summary>
    public static IReadOnlyList<GroupDefinition> GroupBy(IReadOnlyList<GroupDefinition>? groupBy)
    {
        if (groupBy is null)
        {
            return [];
        }
        if (groupBy.Count > 2)
        {
            throw new ValidationException("GroupBy takes at most two group definitions.");
        }
        foreach (var group in groupBy)
        {
            var valid = group.Type switch
            {
                "DIMENSION" => Dimensions.Contains(group.Key),
                "TAG" => !string.IsNullOrEmpty(group.Key),
                _ => false,
            };
            if (!valid)
            {
                throw new ValidationException($"Group definition {group.Type}:{group.Key} is not supported: Berth groups by DIMENSION ({string.Join(", ", Dimensions)}) and TAG.");
            }
        }
        return groupBy;
    }

    /// <summary>An expression has exactly one of And, Or, Not, Dimensions and Tags, as Cost Explorer requires; CostCategories Berth has none of.</summary>
    public static void CheckFilter(Expression? filter)
    {
        if (filter is null)
        {
            return;
        }
        var parts = new object?[] { filter.And, filter.Or, filter.Not, filter.Dimensions, filter.Tags, filter.CostCategories }.Count(p => p is not null);
        if (parts != 1)
        {
            throw new ValidationException("Expression must have exactly one of And, Or, Not, Dimensions and Tags.");
        }
        if (filter.CostCategories is not null)
        {
            throw new ValidationException("CostCategories are not supported: Berth has no cost categories.");
        }
        if (filter.Dimensions is { } dimension && !Dimensions.Contains(dimension.Key))
        {
            throw new ValidationException($"Dimension '{dimension.Key}' is not supported: Berth filters on {string.Join(", ", Dimensions)}.");
        }
        if (filter.Tags is { Key: null or "" })
        {
            throw new ValidationException("A Tags expression needs a Key.");
        }
        var options = filter.Dimensions?.MatchOptions ?? filter.Tags?.MatchOptions ?? [];
        if (options.FirstOrDefault(o => !SupportedMatchOptions.Contains(o)) is { } option)
        {
            throw new ValidationException($"MatchOption '{option}' is not supported: Berth matches with {string.Join(", ", SupportedMatchOptions)}.");
        }
        if (filter.And is { Count: < 2 } || filter.Or is { Count: < 2 })
        {
            throw new ValidationException("And and Or take at least two expressions.");
        }
        foreach (var inner in (filter.And ?? []).Concat(filter.Or ?? []).Append(filter.Not).OfType<Expression>())
        {
            CheckFilter(inner);
        }
    }

    private static DateTimeOffset Date(string? value, string name) =>
        DateTime.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date)
            ? new DateTimeOffset(date, TimeSpan.Zero)
            : throw new ValidationException($"{name} '{value}' is not a date of the form yyyy-MM-dd.");
}
