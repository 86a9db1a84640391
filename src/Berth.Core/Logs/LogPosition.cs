using System.Globalization;
using Berth.Core.Errors;

namespace Berth.Core.Logs;

/// <summary>
/// Where an event sits in a stream or group: by timestamp, then by the store's sequence number for events that
/// share a millisecond. Pagination tokens name a position, so a page never repeats or skips an event even while
/// new events arrive.
/// </summary>
public readonly record struct LogPosition(long Timestamp, long Sequence) : IComparable<LogPosition>
{
    public int CompareTo(LogPosition other) =>
        Timestamp != other.Timestamp ? Timestamp.CompareTo(other.Timestamp) : Sequence.CompareTo(other.Sequence);
}

/// <summary>
/// The opaque tokens of GetLogEvents (<c>f/…</c> forward, <c>b/…</c> backward, as CloudWatch Logs spells them)
/// and FilterLogEvents (<c>n/…</c>).
/// </summary>
public static class LogTokens
{
    public const char Forward = 'f';
    public const char Backward = 'b';
    public const char Next = 'n';

    public static string Encode(char direction, LogPosition position) =>
        string.Create(CultureInfo.InvariantCulture, $"{direction}/{position.Timestamp}/{position.Sequence}");

    /// <summary>The direction and position a token names; InvalidParameterException for anything else.</summary>
    public static (char Direction, LogPosition Position) Decode(string token, string allowed)
    {
        var parts = token.Split('/');
        if (parts.Length == 3 && parts[0].Length == 1 && allowed.Contains(parts[0][0], StringComparison.Ordinal)
            && long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var timestamp)
            && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            return (parts[0][0], new LogPosition(timestamp, sequence));
        }
        throw new InvalidParameterException("The specified nextToken is invalid.");
    }
}
