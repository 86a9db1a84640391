namespace Berth.Core.AutoScaling;

/// <summary>
/// The capacity a policy asks for, as Application Auto Scaling computes it. Target tracking sizes the service in
/// proportion to how far the metric is from the target: rounded up when scaling out (enough tasks to bring the
/// metric to the target), down when scaling in. Step scaling applies the step whose interval (relative to the
/// alarm's threshold) holds the breach. Both are clamped to the target's minimum and maximum by the caller.
/// </summary>
public static class ScalingDecisions
{
    public static int TargetTracking(int current, double metric, double target, bool scaleOut)
    {
        var exact = current * metric / target;
        return scaleOut ? Math.Max(current, (int)Math.Ceiling(exact)) : Math.Min(current, (int)Math.Floor(exact));
    }

    /// <param name="breach">The metric's value minus the alarm's threshold.</param>
    /// <returns>The new capacity; null when no step holds the breach.</returns>
    public static int? Step(int current, StepScalingPolicyConfiguration config, double breach)
    {
        var step = config.StepAdjustments!.FirstOrDefault(s =>
            (s.MetricIntervalLowerBound is not { } lower || breach >= lower) && (s.MetricIntervalUpperBound is not { } upper || breach < upper));
        if (step is null)
        {
            return null;
        }
        var adjustment = step.ScalingAdjustment!.Value;
        return config.AdjustmentType switch
        {
            "ExactCapacity" => adjustment,
            "PercentChangeInCapacity" => current + PercentChange(current, adjustment, config.MinAdjustmentMagnitude),
            _ => current + adjustment,
        };
    }

    public static int Clamp(int capacity, int min, int max) => Math.Min(max, Math.Max(min, capacity));

    /// <summary>
    /// A percentage of the capacity, rounded as Application Auto Scaling rounds it: changes above 1 in magnitude
    /// toward zero, changes between 0 and 1 to 1, and at least MinAdjustmentMagnitude.
    /// </summary>
    private static int PercentChange(int current, int percent, int? minMagnitude)
    {
        var exact = current * percent / 100.0;
        var rounded = Math.Abs(exact) switch
        {
            0 => 0,
            < 1 => Math.Sign(exact),
            _ => (int)Math.Truncate(exact),
        };
        return minMagnitude is { } min && rounded != 0 && Math.Abs(rounded) < min ? Math.Sign(rounded) * min : rounded;
    }
}
