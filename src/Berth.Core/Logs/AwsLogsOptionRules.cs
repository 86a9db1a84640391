using System.Globalization;
using System.Text.RegularExpressions;

namespace Berth.Core.Logs;

/// <summary>
/// The awslogs options a container may have, checked as Docker's awslogs driver checks them when the container is
/// created (moby's <c>awslogs.ValidateLogOpt</c>, Docker 20.10, after its checks of mode and max-buffer-size, which
/// every driver has) and in its words, plus awslogs-stream-prefix, which the ECS agent reads itself. Berth reads the
/// container's output from Docker's own log, so the container never waits on shipping: both modes behave as
/// non-blocking without dropping lines, and the buffer, endpoint and credential options have nothing to tune.
/// </summary>
public static partial class AwsLogsOptionRules
{
    public const string Group = "awslogs-group";
    public const string Region = "awslogs-region";
    public const string Stream = "awslogs-stream";
    public const string StreamPrefix = "awslogs-stream-prefix";
    public const string CreateGroup = "awslogs-create-group";
    public const string DatetimeFormat = "awslogs-datetime-format";
    public const string MultilinePattern = "awslogs-multiline-pattern";
    public const string ForceFlushInterval = "awslogs-force-flush-interval-seconds";
    public const string MaxBufferedEvents = "awslogs-max-buffered-events";
    public const string Format = "awslogs-format";
    private const string EmfFormat = "json/emf";

    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        Group, Region, Stream, StreamPrefix, CreateGroup, DatetimeFormat, MultilinePattern, ForceFlushInterval, MaxBufferedEvents, Format,
        "awslogs-endpoint", "awslogs-credentials-endpoint", "tag", "mode", "max-buffer-size",
    };

    /// <summary>strftime's sequences as Docker turns awslogs-datetime-format into a pattern; any other sequence becomes nothing.</summary>
    private static readonly Dictionary<char, string> StrftimePatterns = new()
    {
        ['a'] = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)",
        ['A'] = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)",
        ['w'] = "[0-6]",
        ['d'] = "(?:0[1-9]|[1,2][0-9]|3[0,1])",
        ['b'] = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)",
        ['B'] = "(?:January|February|March|April|May|June|July|August|September|October|November|December)",
        ['m'] = "(?:0[1-9]|1[0-2])",
        ['Y'] = @"\d{4}",
        ['y'] = @"\d{2}",
        ['H'] = "(?:[0,1][0-9]|2[0-3])",
        ['I'] = "(?:0[0-9]|1[0-2])",
        ['p'] = "[A,P]M",
        ['M'] = "[0-5][0-9]",
        ['S'] = "[0-5][0-9]",
        ['f'] = @"\d{6}",
        ['z'] = @"[+-]\d{4}",
        ['Z'] = "[A-Z]{1,4}T",
        ['j'] = "(?:0[0-9][1-9]|[1,2][0-9][0-9]|3[0-5][0-9]|36[0-6])",
        ['L'] = @"\.\d{3}",
    };

    /// <summary>Why Docker's awslogs driver would refuse these options (its message), or null when it takes them.</summary>
    public static string? Problem(IReadOnlyDictionary<string, string> options)
    {
        // Docker checks its options for every driver first.
        var mode = options.GetValueOrDefault("mode");
        if (mode is { Length: > 0 } && mode is not ("blocking" or "non-blocking"))
        {
            return $"logger: logging mode not supported: {mode}";
        }
        if (options.GetValueOrDefault("max-buffer-size") is { } size)
        {
            if (mode != "non-blocking")
            {
                return "logger: max-buffer-size option is only supported with 'mode=non-blocking'";
            }
            if (!RamSize().IsMatch(size))
            {
                return $"error parsing option max-buffer-size: invalid size: '{size}'";
            }
        }
        if (options.Keys.FirstOrDefault(k => !Known.Contains(k)) is { } unknown)
        {
            return $"unknown log opt '{unknown}' for awslogs log driver";
        }
        if (options.GetValueOrDefault(Group) is not { Length: > 0 })
        {
            return $"must specify a value for log opt '{Group}'";
        }
        if (options.GetValueOrDefault(CreateGroup) is { Length: > 0 } create && ParseBool(create) is null)
        {
            return $"must specify valid value for log opt '{CreateGroup}': strconv.ParseBool: parsing \"{create}\": invalid syntax";
        }
        foreach (var key in new[] { ForceFlushInterval, MaxBufferedEvents })
        {
            if (options.GetValueOrDefault(key) is { Length: > 0 } text
                && !(int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value > 0))
            {
                return $"must specify a positive integer for log opt '{key}': {text}";
            }
        }
        var datetime = options.ContainsKey(DatetimeFormat);
        var multiline = options.ContainsKey(MultilinePattern);
        if (datetime && multiline)
        {
            return $"you cannot configure log opt '{DatetimeFormat}' and '{MultilinePattern}' at the same time";
        }
        if (options.GetValueOrDefault(Format) is { Length: > 0 } format)
        {
            if (format != EmfFormat)
            {
                return $"unsupported log format '{format}'";
            }
            if (datetime || multiline)
            {
                return $"you cannot configure log opt '{DatetimeFormat}' or '{MultilinePattern}' when log opt '{Format}' is set to '{EmfFormat}'";
            }
        }
        if (MultilinePatternOf(options) is { } pattern)
        {
            try
            {
                _ = StartOfEvent(pattern);
            }
            catch (ArgumentException e)
            {
                return $"awslogs could not parse multiline pattern key \"{pattern}\": {e.Message}";
            }
        }
        return null;
    }

    /// <summary>The pattern of a line that starts an event: awslogs-multiline-pattern as written, or awslogs-datetime-format turned into one.</summary>
    public static string? MultilinePatternOf(IReadOnlyDictionary<string, string> options)
    {
        if (options.GetValueOrDefault(DatetimeFormat) is { Length: > 0 } format)
        {
            return Regex.Replace(format, "%(.)", m => StrftimePatterns.GetValueOrDefault(m.Groups[1].Value[0], ""), RegexOptions.Singleline);
        }
        return options.GetValueOrDefault(MultilinePattern) is { Length: > 0 } pattern ? pattern : null;
    }

    /// <summary>
    /// The pattern compiled to find a match anywhere in a line, as Go's <c>regexp.Match</c> does. Non-backtracking, as
    /// RE2 is: a user's pattern runs in linear time on every line of output.
    /// </summary>
    public static Regex StartOfEvent(string pattern) => new(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);

    /// <summary>A size as Docker's <c>units.RAMInBytes</c> reads it: "4m", "512KiB", "1.5 GB".</summary>
    [GeneratedRegex(@"^\d+(\.\d+)* ?[kKmMgGtTpP]?[iI]?[bB]?$")]
    private static partial Regex RamSize();

    /// <summary>Go's <c>strconv.ParseBool</c>, which Docker reads boolean options with; null when it refuses the text.</summary>
    public static bool? ParseBool(string? text) => text switch
    {
        "1" or "t" or "T" or "TRUE" or "true" or "True" => true,
        "0" or "f" or "F" or "FALSE" or "false" or "False" => false,
        _ => null,
    };
}
