using System.Globalization;
using Berth.Core.Errors;

namespace Berth.Core.Elb;

/// <summary>
/// A target group's success codes: "200", "200,202" or "200-299", each code between 200 and 499, as
/// ALB allows for HTTP health checks.
/// </summary>
public sealed record HttpCodeMatcher(IReadOnlyList<(int From, int To)> Ranges)
{
    public bool Matches(int statusCode) => Ranges.Any(r => statusCode >= r.From && statusCode <= r.To);

    public static HttpCodeMatcher Parse(string httpCode)
    {
        var ranges = new List<(int, int)>();
        foreach (var part in httpCode.Split(',', StringSplitOptions.TrimEntries))
        {
            var bounds = part.Split('-');
            if (bounds.Length > 2 || !bounds.All(b => int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c is >= 200 and <= 499))
            {
                throw new QueryValidationException($"Matcher HttpCode '{httpCode}' must be codes or ranges of codes between 200 and 499.");
            }
            var from = int.Parse(bounds[0], CultureInfo.InvariantCulture);
            var to = int.Parse(bounds[^1], CultureInfo.InvariantCulture);
            if (to < from)
            {
                throw new QueryValidationException($"Matcher HttpCode range '{part}' ends before it starts.");
            }
            ranges.Add((from, to));
        }
        return new HttpCodeMatcher(ranges);
    }
}
