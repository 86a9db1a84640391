using Berth.Api.Protocol;
using Berth.Core.Errors;

namespace Berth.Api.Iam;

/// <summary>IAM's Marker/MaxItems paging (MaxItems 1 to 1000, 100 by default) over a list in IAM's order.</summary>
internal static class IamPage
{
    private const int DefaultMaxItems = 100;
    private const int MaxMaxItems = 1000;

    /// <param name="key">The item's position in the order (its name), which the marker remembers.</param>
    public static Paging.Page<T> Of<T>(IEnumerable<T> items, Func<T, string> key, string? marker, int? maxItems)
    {
        var limit = maxItems ?? DefaultMaxItems;
        if (limit is < 1 or > MaxMaxItems)
        {
            throw new QueryValidationException(
                $"1 validation error detected: Value '{limit}' at 'maxItems' failed to satisfy constraint: Member must have value {(limit < 1 ? "greater than or equal to 1" : $"less than or equal to {MaxMaxItems}")}");
        }
        var ordered = items.OrderBy(key, StringComparer.Ordinal).ToList();
        return Paging.Slice(ordered, key, limit, marker, () => new QueryValidationException("Invalid Marker."));
    }
}
