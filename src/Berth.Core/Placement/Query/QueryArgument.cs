using System.Globalization;

namespace Berth.Core.Placement.Query;

/// <summary>
/// One literal argument of a comparison, with the typed forms a subject may need worked out once at parse time.
/// </summary>
internal sealed class QueryArgument
{
    private static readonly string[] DateFormats =
    [
        // The formats ECS lists for registeredAt: 2018-06-18T22:28:28+00:00, ...Z, 2018-06-18T22:28:28, 2018-06-18.
        "yyyy-MM-dd'T'HH:mm:sszzz",
        "yyyy-MM-dd'T'HH:mm:ss'Z'",
        "yyyy-MM-dd'T'HH:mm:ss",
        "yyyy-MM-dd",
    ];

    public QueryArgument(string text)
    {
        Text = text;
        // A trailing '*' is a prefix wildcard for equality: widely used examples write
        // "attribute:ecs.instance-type == t2.*", and ECS attribute values cannot contain '*' themselves.
        Prefix = text.Length > 0 && text[^1] == '*' ? text[..^1] : null;
        Number = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : null;
    }

    public string Text { get; }

    public string? Prefix { get; }

    public double? Number { get; }

    public DateTimeOffset Date { get; private set; }

    public bool DateOnly { get; private set; }

    public long Integer { get; private set; }

    public int[] Version { get; private set; } = [];

    public bool EqualsText(string value) =>
        Prefix is null ? string.Equals(value, Text, StringComparison.Ordinal) : value.StartsWith(Prefix, StringComparison.Ordinal);

    public bool TryParseDate()
    {
        if (!DateTimeOffset.TryParseExact(Text, DateFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out var date))
        {
            return false;
        }
        Date = date;
        DateOnly = Text.Length == 10;
        return true;
    }

    public bool TryParseInteger()
    {
        if (!long.TryParse(Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }
        Integer = value;
        return true;
    }

    public bool TryParseVersion()
    {
        if (QueryValues.ParseVersion(Text) is not { } version)
        {
            return false;
        }
        Version = version;
        return true;
    }
}
