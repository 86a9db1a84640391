namespace Berth.Core.CostExplorer;

/// <summary>Cost Explorer's filter expression over a line item (checked first by <see cref="CostExplorerRules.CheckFilter"/>).</summary>
public static class CostFilter
{
    public static bool Matches(Expression? filter, CostLineItem item) => filter switch
    {
        null => true,
        { And: { } all } => all.All(e => Matches(e, item)),
        { Or: { } any } => any.Any(e => Matches(e, item)),
        { Not: { } not } => !Matches(not, item),
        { Dimensions: { } dimension } => ValueMatches(item.Dimension(dimension.Key!), dimension.Values, dimension.MatchOptions),
        { Tags: { } tag } => ValueMatches(item.Tags.GetValueOrDefault(tag.Key!), tag.Values, tag.MatchOptions),
        _ => false,
    };

    /// <summary>
    /// EQUALS is the default; ABSENT matches an item without the tag (or with an empty value); CASE_INSENSITIVE may
    /// accompany any other option. An empty value in Values matches an absent tag, as Cost Explorer's "No tag" does.
    /// </summary>
    private static bool ValueMatches(string? actual, IReadOnlyList<string>? values, IReadOnlyList<string>? options)
    {
        options ??= [];
        if (options.Contains("ABSENT"))
        {
            return string.IsNullOrEmpty(actual);
        }
        var comparison = options.Contains("CASE_INSENSITIVE") ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var value = actual ?? "";
        return (values ?? []).Any(expected =>
            options.Contains("STARTS_WITH") ? value.StartsWith(expected, comparison)
            : options.Contains("ENDS_WITH") ? value.EndsWith(expected, comparison)
            : options.Contains("CONTAINS") ? value.Contains(expected, comparison)
            : string.Equals(value, expected, comparison));
    }
}
