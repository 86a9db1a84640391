using Berth.Core.Errors;

namespace Berth.Core.Logs;

/// <summary>
/// A CloudWatch Logs filter pattern for unstructured events: terms that must all appear (<c>ERROR timeout</c>),
/// quoted phrases (<c>"INTERNAL SERVER ERROR"</c>), alternatives of which one must appear (<c>?ERROR ?WARN</c>)
/// and exclusions (<c>ERROR -healthcheck</c>). Matching is case-sensitive, as in CloudWatch Logs.
/// JSON (<c>{ $.level = … }</c>), space-delimited (<c>[ip, user, …]</c>) and regular-expression (<c>%…%</c>)
/// patterns are refused with InvalidParameterException rather than matched wrongly.
/// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
/// </summary>
public sealed class FilterPattern
{
    private readonly IReadOnlyList<string> _required;
    private readonly IReadOnlyList<string> _anyOf;
    private readonly IReadOnlyList<string> _excluded;

    private FilterPattern(IReadOnlyList<string> required, IReadOnlyList<string> anyOf, IReadOnlyList<string> excluded)
    {
        _required = required;
        _anyOf = anyOf;
        _excluded = excluded;
    }

    /// <summary>Matches every event (an absent or blank pattern).</summary>
    public static FilterPattern All { get; } = new([], [], []);

    public bool MatchesEverything => _required.Count == 0 && _anyOf.Count == 0 && _excluded.Count == 0;

    public static FilterPattern Parse(string? pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            return All;
        }
        var text = pattern.Trim();
        if (text[0] is '{' or '[' || text[0] == '%')
        {
            var kind = text[0] switch { '{' => "JSON", '[' => "space-delimited", _ => "regular-expression" };
            throw new InvalidParameterException(
                $"Berth does not support {kind} filter patterns; use terms, \"quoted phrases\", ?alternatives and -exclusions.");
        }
        var required = new List<string>();
        var anyOf = new List<string>();
        var excluded = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
                continue;
            }
            var target = required;
            if (text[i] is '?' or '-' && i + 1 < text.Length && !char.IsWhiteSpace(text[i + 1]))
            {
                target = text[i] == '?' ? anyOf : excluded;
                i++;
            }
            target.Add(ReadTerm(text, ref i));
        }
        return new FilterPattern(required, anyOf, excluded);
    }

    public bool Matches(string message)
    {
        foreach (var term in _required)
        {
            if (!message.Contains(term, StringComparison.Ordinal))
            {
                return false;
            }
        }
        foreach (var term in _excluded)
        {
            if (message.Contains(term, StringComparison.Ordinal))
            {
                return false;
            }
        }
        return _anyOf.Count == 0 || _anyOf.Any(term => message.Contains(term, StringComparison.Ordinal));
    }

    /// <summary>A bare word up to the next blank, or a "quoted phrase" (with \" for a quote inside it).</summary>
    private static string ReadTerm(string text, ref int i)
    {
        if (text[i] != '"')
        {
            var start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]))
            {
                i++;
            }
            return text[start..i];
        }
        var phrase = new System.Text.StringBuilder();
        for (i++; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] == '"')
            {
                phrase.Append('"');
                i++;
            }
            else if (text[i] == '"')
            {
                i++;
                return phrase.Length > 0 ? phrase.ToString() : throw new InvalidParameterException("Invalid filter pattern: empty quoted phrase.");
            }
            else
            {
                phrase.Append(text[i]);
            }
        }
        throw new InvalidParameterException("Invalid filter pattern: unterminated quoted phrase.");
    }
}
