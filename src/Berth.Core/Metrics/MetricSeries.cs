using Berth.Core.CloudWatch;

namespace Berth.Core.Metrics;

/// <summary>
/// One metric: namespace, name and dimensions. CloudWatch treats each distinct dimension combination as a
/// separate metric, so the dimensions are kept sorted by name and compared as a whole.
/// </summary>
public sealed record MetricSeries(string Namespace, string MetricName, IReadOnlyList<KeyValuePair<string, string>> Dimensions)
{
    public static MetricSeries Create(string @namespace, string metricName, IEnumerable<Dimension>? dimensions) =>
        new(@namespace, metricName, (dimensions ?? [])
            .Select(d => KeyValuePair.Create(d.Name ?? "", d.Value ?? ""))
            .OrderBy(d => d.Key, StringComparer.Ordinal)
            .ToList());

    /// <summary>A canonical text of the dimensions, unique per combination: what the store keys series by.</summary>
    public string DimensionsKey => string.Join('\n', Dimensions.Select(d => $"{d.Key}={d.Value}"));

    public static IReadOnlyList<KeyValuePair<string, string>> ParseDimensionsKey(string key) =>
        key.Length == 0
            ? []
            : key.Split('\n').Select(line => line.Split('=', 2)).Select(p => KeyValuePair.Create(p[0], p[1])).ToList();

    public Metric ToMetric() => new()
    {
        Namespace = Namespace,
        MetricName = MetricName,
        Dimensions = Dimensions.Select(d => new Dimension { Name = d.Key, Value = d.Value }).ToList(),
    };

    public bool Equals(MetricSeries? other) =>
        other is not null && Namespace == other.Namespace && MetricName == other.MetricName && DimensionsKey == other.DimensionsKey;

    public override int GetHashCode() => HashCode.Combine(Namespace, MetricName, DimensionsKey);
}

/// <summary>A rollup of one series over the interval starting at <see cref="Timestamp"/>.</summary>
public sealed record MetricPoint(MetricSeries Series, DateTimeOffset Timestamp, Rollup Value, string Unit = "None");

/// <summary>What the store holds of one series over a time range: its unit and its rollups, oldest first.</summary>
public sealed record StoredSeries(string Unit, IReadOnlyList<(DateTimeOffset Timestamp, Rollup Value)> Points);
