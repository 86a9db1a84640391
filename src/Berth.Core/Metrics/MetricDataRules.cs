using Berth.Core.CloudWatch;

namespace Berth.Core.Metrics;

/// <summary>PutMetricData's validation and its conversion into rollups, as CloudWatch defines them.</summary>
public static class MetricDataRules
{
    /// <summary>CloudWatch accepts data up to two weeks old and up to two hours ahead.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(14);
    public static readonly TimeSpan MaxAhead = TimeSpan.FromHours(2);

    private const int MaxDatums = 1000;
    private const int MaxDimensions = 30;

    public static IReadOnlyList<MetricPoint> ToPoints(PutMetricDataInput input, DateTimeOffset now)
    {
        var ns = Require(input.Namespace, "Namespace");
        if (ns.StartsWith("AWS/", StringComparison.Ordinal))
        {
            // Namespaces starting with "AWS/" are reserved for AWS services (CloudWatch PutMetricData reference).
            throw new InvalidParameterValueException($"The value {ns} for parameter Namespace is invalid: the AWS/ prefix is reserved.");
        }
        if (input.EntityMetricData is { Count: > 0 })
        {
            throw new InvalidParameterValueException("Berth does not support EntityMetricData; send MetricData.");
        }
        var data = input.MetricData is { Count: > 0 } d ? d : throw new MissingRequiredParameterException("MetricData");
        if (data.Count > MaxDatums)
        {
            throw new InvalidParameterValueException($"The collection MetricData must not have a size greater than {MaxDatums}.");
        }
        return data.Select((datum, i) => ToPoint(ns, datum, $"MetricData.member.{i + 1}", now)).ToList();
    }

    private static MetricPoint ToPoint(string ns, MetricDatum datum, string path, DateTimeOffset now)
    {
        var name = Require(datum.MetricName, $"{path}.MetricName");
        var dimensions = datum.Dimensions ?? [];
        if (dimensions.Count > MaxDimensions)
        {
            throw new InvalidParameterValueException($"{path}.Dimensions must not have more than {MaxDimensions} members.");
        }
        foreach (var dimension in dimensions)
        {
            Require(dimension.Name, $"{path}.Dimensions.Name");
            Require(dimension.Value, $"{path}.Dimensions.Value");
        }
        var unit = datum.Unit ?? "None";
        if (!CloudWatchEnums.StandardUnit.Contains(unit))
        {
            throw new InvalidParameterValueException($"The value {unit} for parameter {path}.Unit is not a valid unit.");
        }
        var timestamp = datum.Timestamp ?? now;
        if (timestamp < now - MaxAge || timestamp > now + MaxAhead)
        {
            throw new InvalidParameterValueException(
                $"The parameter {path}.Timestamp must specify a time no more than two weeks in the past or two hours in the future.");
        }
        return new MetricPoint(MetricSeries.Create(ns, name, dimensions), timestamp, RollupOf(datum, path), unit);
    }

    private static Rollup RollupOf(MetricDatum datum, string path)
    {
        var given = (datum.Value is not null ? 1 : 0) + (datum.StatisticValues is not null ? 1 : 0) + (datum.Values is not null ? 1 : 0);
        if (given != 1)
        {
            throw new InvalidParameterCombinationException($"{path} must have exactly one of Value, StatisticValues and Values.");
        }
        if (datum.Value is { } value)
        {
            return Rollup.Of(value);
        }
        if (datum.StatisticValues is { } set)
        {
            var rollup = new Rollup(
                set.Sum ?? throw new MissingRequiredParameterException($"{path}.StatisticValues.Sum"),
                set.SampleCount ?? throw new MissingRequiredParameterException($"{path}.StatisticValues.SampleCount"),
                set.Minimum ?? throw new MissingRequiredParameterException($"{path}.StatisticValues.Minimum"),
                set.Maximum ?? throw new MissingRequiredParameterException($"{path}.StatisticValues.Maximum"));
            return rollup.Count > 0 && rollup.Min <= rollup.Max
                ? rollup
                : throw new InvalidParameterValueException($"{path}.StatisticValues needs SampleCount > 0 and Minimum <= Maximum.");
        }
        var values = datum.Values!;
        var counts = datum.Counts;
        if (values.Count == 0 || (counts is not null && counts.Count != values.Count))
        {
            throw new InvalidParameterValueException($"{path}.Values must not be empty, and Counts must have as many members as Values.");
        }
        // Each value counts as many samples as Counts says (1 when Counts is absent).
        return values
            .Select((v, i) => (Value: v, Count: counts?[i] ?? 1))
            .Select(p => p.Count > 0 ? new Rollup(p.Value * p.Count, p.Count, p.Value, p.Value)
                : throw new InvalidParameterValueException($"{path}.Counts must be positive."))
            .Aggregate((a, b) => a.Merge(b));
    }

    public static string Require(string? value, string parameter) =>
        string.IsNullOrEmpty(value) ? throw new MissingRequiredParameterException(parameter) : value;
}
