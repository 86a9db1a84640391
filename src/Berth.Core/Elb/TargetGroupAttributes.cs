using System.Globalization;
using Berth.Core.Errors;

namespace Berth.Core.Elb;

/// <summary>
/// The target group attributes Berth honours, with ALB's defaults. An attribute ALB has and Berth does
/// not implement is refused rather than stored and ignored.
/// </summary>
public static class TargetGroupAttributes
{
    public const string DeregistrationDelay = "deregistration_delay.timeout_seconds";
    public const string Algorithm = "load_balancing.algorithm.type";
    public const string StickinessEnabled = "stickiness.enabled";

    public const string RoundRobin = "round_robin";
    public const string LeastOutstandingRequests = "least_outstanding_requests";

    public static readonly IReadOnlyDictionary<string, string> Defaults = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [DeregistrationDelay] = "300",
        [Algorithm] = RoundRobin,
        [StickinessEnabled] = "false",
    };

    public static IReadOnlyDictionary<string, string> Apply(IReadOnlyDictionary<string, string> current, IEnumerable<TargetGroupAttribute> changes)
    {
        var next = new Dictionary<string, string>(current, StringComparer.Ordinal);
        foreach (var change in changes)
        {
            var key = change.Key ?? throw new QueryValidationException("Every attribute needs a key.");
            var value = change.Value ?? "";
            Validate(key, value);
            next[key] = value;
        }
        return next;
    }

    public static TimeSpan DeregistrationDelayOf(IReadOnlyDictionary<string, string> attributes) =>
        TimeSpan.FromSeconds(int.Parse(attributes.GetValueOrDefault(DeregistrationDelay, Defaults[DeregistrationDelay]), CultureInfo.InvariantCulture));

    public static string AlgorithmOf(IReadOnlyDictionary<string, string> attributes) =>
        attributes.GetValueOrDefault(Algorithm, RoundRobin);

    private static void Validate(string key, string value)
    {
        switch (key)
        {
            case DeregistrationDelay when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= 3600:
            case Algorithm when value is RoundRobin or LeastOutstandingRequests:
            case StickinessEnabled when value == "false":
                return;
            case DeregistrationDelay:
                throw new InvalidConfigurationRequestException($"{DeregistrationDelay} must be a number of seconds from 0 to 3600.");
            case Algorithm:
                throw new InvalidConfigurationRequestException($"Berth supports {Algorithm} {RoundRobin} and {LeastOutstandingRequests}, not '{value}'.");
            case StickinessEnabled:
                throw new QueryUnsupportedException("Berth does not support sticky sessions yet.");
            default:
                throw new InvalidConfigurationRequestException($"Berth does not support the target group attribute '{key}'.");
        }
    }
}
