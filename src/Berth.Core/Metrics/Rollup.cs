namespace Berth.Core.Metrics;

/// <summary>
/// The statistic set CloudWatch keeps per series and interval (SampleCount, Sum, Minimum, Maximum): every
/// statistic Berth answers derives from it, and two rollups merge without losing any of them.
/// </summary>
public readonly record struct Rollup(double Sum, double Count, double Min, double Max)
{
    public static Rollup Of(double value) => new(value, 1, value, value);

    public Rollup Merge(Rollup other) =>
        new(Sum + other.Sum, Count + other.Count, Math.Min(Min, other.Min), Math.Max(Max, other.Max));

    public double Average => Sum / Count;
}
