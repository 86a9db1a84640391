using System.Globalization;

namespace Berth.Core.Placement.Query;

/// <summary>Orderings the query language needs beyond plain strings: agent versions and attribute numbers.</summary>
internal static class QueryValues
{
    /// <summary>
    /// "1.14.5" → [1, 14, 5]; a leading 'v' and a suffix after the numbers ("-rc1") are ignored. Null when the text
    /// does not start with a number.
    /// </summary>
    public static int[]? ParseVersion(string text)
    {
        var span = text.AsSpan();
        if (span.Length > 0 && (span[0] == 'v' || span[0] == 'V'))
        {
            span = span[1..];
        }
        var parts = new List<int>(4);
        while (true)
        {
            var length = 0;
            while (length < span.Length && char.IsAsciiDigit(span[length]))
            {
                length++;
            }
            if (length == 0 || !int.TryParse(span[..length], NumberStyles.None, CultureInfo.InvariantCulture, out var part))
            {
                break;
            }
            parts.Add(part);
            span = span[length..];
            if (span.Length < 2 || span[0] != '.' || !char.IsAsciiDigit(span[1]))
            {
                break;
            }
            span = span[1..];
        }
        return parts.Count == 0 ? null : [.. parts];
    }

    /// <summary>Compares versions part by part; missing parts count as 0, so 1.14 equals 1.14.0.</summary>
    public static int CompareVersions(int[] left, int[] right)
    {
        for (var i = 0; i < Math.Max(left.Length, right.Length); i++)
        {
            var comparison = (i < left.Length ? left[i] : 0).CompareTo(i < right.Length ? right[i] : 0);
            if (comparison != 0)
            {
                return comparison;
            }
        }
        return 0;
    }

    /// <summary>
    /// Attribute ordering: numerically when both sides are numbers (so "10" > "9"), ordinally otherwise.
    /// </summary>
    public static int CompareAttribute(string value, QueryArgument argument) =>
        argument.Number is { } number
        && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var actual)
            ? actual.CompareTo(number)
            : string.CompareOrdinal(value, argument.Text);
}
