using System.Globalization;

namespace Berth.Core.Alarms;

/// <summary>What an alarm compares: the operator, threshold and its "M out of N" rule with the missing-data treatment.</summary>
public sealed record AlarmCriteria(string ComparisonOperator, double Threshold, int EvaluationPeriods, int DatapointsToAlarm, string TreatMissingData);

/// <summary>One period of the evaluation range: its start and its statistic, null when the period has no data.</summary>
public sealed record AlarmDatapoint(DateTimeOffset Timestamp, double? Value);

/// <summary>The state an evaluation concludes, with the reason CloudWatch would give.</summary>
public sealed record AlarmOutcome(string State, string Reason);

/// <summary>
/// CloudWatch's evaluation of a metric alarm over its last <see cref="AlarmCriteria.EvaluationPeriods"/> periods (N):
/// ALARM when at least <see cref="AlarmCriteria.DatapointsToAlarm"/> (M) of them breach, OK when enough do not that
/// M breaching ones are impossible (N − M + 1). Missing periods count as breaching or not for <c>breaching</c> and
/// <c>notBreaching</c>; for <c>missing</c> and <c>ignore</c> they count as neither, and when no period has data the
/// alarm goes to INSUFFICIENT_DATA (<c>missing</c>) or keeps its state (<c>ignore</c>). When the present datapoints
/// decide neither way (some missing, too few of either kind) the state is kept.
/// </summary>
public static class AlarmEvaluator
{
    /// <param name="periods">The evaluation range, oldest first: exactly N periods.</param>
    /// <returns>The new state and reason; null when the state is kept.</returns>
    public static AlarmOutcome? Evaluate(AlarmCriteria criteria, IReadOnlyList<AlarmDatapoint> periods, string currentState)
    {
        var missingBreaches = criteria.TreatMissingData switch
        {
            AlarmTreatments.Breaching => true,
            AlarmTreatments.NotBreaching => false,
            _ => (bool?)null,
        };
        var breaching = new List<AlarmDatapoint>();
        var notBreaching = new List<AlarmDatapoint>();
        foreach (var period in periods)
        {
            var breaches = period.Value is { } value ? Breaches(criteria, value) : missingBreaches;
            (breaches switch { true => breaching, false => notBreaching, null => null })?.Add(period);
        }
        var n = criteria.EvaluationPeriods;
        var m = criteria.DatapointsToAlarm;
        if (breaching.Count >= m)
        {
            return new AlarmOutcome(AlarmStates.Alarm, Crossed(criteria, breaching, n, m, currentState, AlarmStates.Alarm, negated: false));
        }
        if (notBreaching.Count >= n - m + 1)
        {
            return new AlarmOutcome(AlarmStates.Ok, Crossed(criteria, notBreaching, n, n - m + 1, currentState, AlarmStates.Ok, negated: true));
        }
        if (breaching.Count + notBreaching.Count == 0 && criteria.TreatMissingData == AlarmTreatments.Missing)
        {
            return new AlarmOutcome(AlarmStates.InsufficientData,
                $"Insufficient Data: {Count(periods.Count, "datapoint")} {(periods.Count == 1 ? "was" : "were")} unknown.");
        }
        return null;
    }

    public static bool Breaches(AlarmCriteria criteria, double value) => criteria.ComparisonOperator switch
    {
        "GreaterThanOrEqualToThreshold" => value >= criteria.Threshold,
        "GreaterThanThreshold" => value > criteria.Threshold,
        "LessThanThreshold" => value < criteria.Threshold,
        "LessThanOrEqualToThreshold" => value <= criteria.Threshold,
        var other => throw new ArgumentException($"Not a static-threshold operator: {other}", nameof(criteria)),
    };

    /// <summary>
    /// "Threshold Crossed: 3 out of the last 3 datapoints [55.2 (05/12/26 07:20:00), …] were greater than the threshold
    /// (50.0) (minimum 3 datapoints for OK -> ALARM transition).", the datapoints newest first as CloudWatch lists them.
    /// </summary>
    private static string Crossed(AlarmCriteria criteria, IReadOnlyList<AlarmDatapoint> counted, int n, int minimum, string from, string to, bool negated)
    {
        var listed = string.Join(", ", counted.Where(p => p.Value is not null).Reverse()
            .Select(p => $"{FormatNumber(p.Value!.Value)} ({p.Timestamp.UtcDateTime.ToString("dd/MM/yy HH:mm:ss", CultureInfo.InvariantCulture)})"));
        var verb = counted.Count == 1 ? "was" : "were";
        var comparison = (negated ? "not " : "") + Phrase(criteria.ComparisonOperator);
        var threshold = FormatNumber(criteria.Threshold);
        return n == 1
            ? $"Threshold Crossed: 1 datapoint [{listed}] was {comparison} the threshold ({threshold})."
            : $"Threshold Crossed: {counted.Count} out of the last {Count(n, "datapoint")} [{listed}] {verb} {comparison} the threshold ({threshold}) " +
              $"(minimum {Count(minimum, "datapoint")} for {from} -> {to} transition).";
    }

    private static string Phrase(string comparisonOperator) => comparisonOperator switch
    {
        "GreaterThanOrEqualToThreshold" => "greater than or equal to",
        "GreaterThanThreshold" => "greater than",
        "LessThanThreshold" => "less than",
        _ => "less than or equal to",
    };

    private static string Count(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    /// <summary>Numbers as CloudWatch's reasons print them (Java's Double.toString): 50.0, 55.25, 1.0E7.</summary>
    public static string FormatNumber(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 1e7
            ? value.ToString("0.0", CultureInfo.InvariantCulture)
            : Math.Abs(value) is >= 1e-3 and < 1e7
                ? value.ToString("R", CultureInfo.InvariantCulture)
                : value.ToString("0.0###############E0", CultureInfo.InvariantCulture);
}
