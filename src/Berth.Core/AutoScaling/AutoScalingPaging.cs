using Berth.Core.Errors;

namespace Berth.Core.AutoScaling;

/// <summary>Application Auto Scaling's paging: up to 50 results a page, the token the sort key of the last one answered.</summary>
public static class AutoScalingPaging
{
    private const int MaxResults = 50;

    /// <param name="items">The matching items in sort-key order.</param>
    public static (IReadOnlyList<T> Page, string? NextToken) Page<T>(IReadOnlyList<(string Key, T Value)> items, int? maxResults, string? nextToken)
    {
        var size = maxResults switch
        {
            null => MaxResults,
            >= 1 and <= MaxResults => maxResults.Value,
            _ => throw new ValidationException($"1 validation error detected: Value '{maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to {MaxResults}"),
        };
        var start = 0;
        if (nextToken is not null)
        {
            start = items.Select((item, i) => (item.Key, i)).FirstOrDefault(x => string.CompareOrdinal(x.Key, nextToken) > 0, (Key: "", i: items.Count)).i;
        }
        var page = items.Skip(start).Take(size).ToList();
        return ([.. page.Select(p => p.Value)], start + page.Count < items.Count ? page[^1].Key : null);
    }
}
