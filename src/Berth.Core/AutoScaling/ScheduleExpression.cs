using System.Globalization;
using Berth.Core.Errors;

namespace Berth.Core.AutoScaling;

/// <summary>
/// A scheduled action's Schedule: <c>at(yyyy-mm-ddThh:mm:ss)</c> once, <c>rate(N minutes|hours|days)</c> from the
/// start time, or <c>cron(minutes hours day-of-month month day-of-week year)</c> in the action's Timezone (UTC by
/// default). Cron takes numbers, names (JAN-DEC, SUN-SAT), <c>*</c>, <c>?</c>, ranges, lists and <c>/</c> steps;
/// <c>L</c>, <c>W</c> and <c>#</c> are refused.
/// </summary>
public sealed class ScheduleExpression
{
    private static readonly string[] Months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] Days = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private readonly DateTime? _at;
    private readonly TimeSpan? _rate;
    private readonly HashSet<int>[]? _cron;
    private readonly bool _anyDayOfMonth;
    private readonly bool _anyDayOfWeek;

    private ScheduleExpression(DateTime? at, TimeSpan? rate, HashSet<int>[]? cron, bool anyDayOfMonth, bool anyDayOfWeek)
    {
        _at = at;
        _rate = rate;
        _cron = cron;
        _anyDayOfMonth = anyDayOfMonth;
        _anyDayOfWeek = anyDayOfWeek;
    }

    public static ScheduleExpression Parse(string? schedule)
    {
        var text = ScalableTargetRules.Require(schedule, "schedule").Trim();
        if (text.StartsWith("at(", StringComparison.Ordinal) && text.EndsWith(')'))
        {
            return DateTime.TryParseExact(text[3..^1], "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
                ? new ScheduleExpression(at, null, null, false, false)
                : throw Invalid(text, "at() takes yyyy-mm-ddThh:mm:ss");
        }
        if (text.StartsWith("rate(", StringComparison.Ordinal) && text.EndsWith(')'))
        {
            return new ScheduleExpression(null, Rate(text), null, false, false);
        }
        if (text.StartsWith("cron(", StringComparison.Ordinal) && text.EndsWith(')'))
        {
            var fields = text[5..^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 6)
            {
                throw Invalid(text, "cron() takes six fields: minutes hours day-of-month month day-of-week year");
            }
            if ((fields[2] == "?") == (fields[4] == "?"))
            {
                throw Invalid(text, "exactly one of day-of-month and day-of-week must be ?");
            }
            var sets = new[]
            {
                Field(fields[0], 0, 59, null, text), Field(fields[1], 0, 23, null, text), Field(fields[2], 1, 31, null, text),
                Field(fields[3], 1, 12, Months, text), Field(fields[4], 1, 7, Days, text), Field(fields[5], 1970, 2199, null, text),
            };
            return new ScheduleExpression(null, null, sets, fields[2] is "?" or "*", fields[4] is "?" or "*");
        }
        throw Invalid(text, "use at(...), rate(...) or cron(...)");
    }

    public bool IsOneTime => _at is not null;

    /// <summary>
    /// The latest occurrence in (<paramref name="after"/>, <paramref name="now"/>], or null. Occurrences of rate()
    /// count from <paramref name="origin"/>; at() and cron() are read in <paramref name="zone"/>.
    /// </summary>
    public DateTimeOffset? LatestDue(DateTimeOffset after, DateTimeOffset now, DateTimeOffset origin, TimeZoneInfo zone)
    {
        if (_at is { } at)
        {
            var when = new DateTimeOffset(at, zone.GetUtcOffset(at));
            return when > after && when <= now ? when : null;
        }
        if (_rate is { } rate)
        {
            if (now < origin)
            {
                return null;
            }
            var latest = origin + (rate * Math.Floor((now - origin) / rate));
            return latest > after ? latest : null;
        }
        // Minute by minute back from now, at most a day: a scheduler that checks every minute needs only the last one.
        var start = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds() / 60 * 60);
        for (var minute = start; minute > after && minute > now.AddDays(-1); minute = minute.AddMinutes(-1))
        {
            if (Matches(TimeZoneInfo.ConvertTime(minute, zone).DateTime))
            {
                return minute;
            }
        }
        return null;
    }

    private bool Matches(DateTime local)
    {
        var c = _cron!;
        var dayOfMonth = c[2].Contains(local.Day);
        var dayOfWeek = c[4].Contains((int)local.DayOfWeek + 1);
        var day = _anyDayOfMonth ? dayOfWeek : _anyDayOfWeek ? dayOfMonth : dayOfMonth && dayOfWeek;
        return c[0].Contains(local.Minute) && c[1].Contains(local.Hour) && day && c[3].Contains(local.Month) && c[5].Contains(local.Year);
    }

    public static TimeZoneInfo Zone(string? timezone)
    {
        if (timezone is null)
        {
            return TimeZoneInfo.Utc;
        }
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(timezone);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ValidationException($"Time zone {timezone} is not valid: use a name of the IANA time zone database, such as Etc/GMT+9 or Pacific/Tahiti.");
        }
    }

    private static TimeSpan Rate(string text)
    {
        var parts = text[5..^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
        {
            throw Invalid(text, "rate() takes a positive whole number and a unit");
        }
        var unit = parts[1];
        if ((value == 1) != !unit.EndsWith('s'))
        {
            throw Invalid(text, "the unit is singular for 1 (rate(1 minute)) and plural otherwise (rate(5 minutes))");
        }
        return unit.TrimEnd('s') switch
        {
            "minute" => TimeSpan.FromMinutes(value),
            "hour" => TimeSpan.FromHours(value),
            "day" => TimeSpan.FromDays(value),
            _ => throw Invalid(text, "the unit is minute(s), hour(s) or day(s)"),
        };
    }

    private static HashSet<int> Field(string field, int min, int max, string[]? names, string text)
    {
        if (field.IndexOfAny(['L', 'W', '#']) >= 0 && (names is null || !names.Any(n => field.Contains(n, StringComparison.OrdinalIgnoreCase))))
        {
            throw Invalid(text, "Berth does not support L, W or # in cron expressions");
        }
        var values = new HashSet<int>();
        foreach (var item in field.Split(','))
        {
            var (range, step) = item.Split('/') switch
            {
                [var r] => (r, 1),
                [var r, var s] when int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 => (r, n),
                _ => throw Invalid(text, $"'{item}' is not a valid cron field"),
            };
            var (from, to) = range switch
            {
                "*" or "?" => (min, max),
                _ when range.Split('-') is [var a, var b] => (Value(a, min, max, names, text), Value(b, min, max, names, text)),
                _ => (Value(range, min, max, names, text), step > 1 ? max : Value(range, min, max, names, text)),
            };
            if (from > to)
            {
                throw Invalid(text, $"'{item}' is an empty range");
            }
            for (var v = from; v <= to; v += step)
            {
                values.Add(v);
            }
        }
        return values;
    }

    private static int Value(string token, int min, int max, string[]? names, string text)
    {
        if (names is not null && Array.FindIndex(names, n => n.Equals(token, StringComparison.OrdinalIgnoreCase)) is var index and >= 0)
        {
            return index + 1;
        }
        return int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw Invalid(text, $"'{token}' is outside {min}-{max}");
    }

    private static ValidationException Invalid(string schedule, string why) => new($"Invalid schedule expression {schedule}: {why}.");
}
