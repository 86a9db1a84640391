using Berth.Core.CloudWatch;
using Berth.Core.Errors;

namespace Berth.Core.AutoScaling;

/// <summary>
/// PutScalingPolicy's validation, and the alarms a target tracking policy creates and owns, named and set as
/// Application Auto Scaling sets them for ECS: AlarmHigh breaches above the target for 3 one-minute datapoints,
/// AlarmLow below 90% of it for 15 (none when scale-in is disabled).
/// </summary>
public static class ScalingPolicyRules
{
    public const string TargetTracking = "TargetTrackingScaling";
    public const string StepScaling = "StepScaling";

    /// <summary>ECS's default cooldowns for target tracking and step scaling when the policy sets none.</summary>
    public const int DefaultCooldownSeconds = 300;

    private const int HighDatapoints = 3;
    private const int LowDatapoints = 15;
    private const double LowThresholdRatio = 0.9;

    private static readonly IReadOnlySet<string> EcsPredefinedMetrics = new HashSet<string>(StringComparer.Ordinal)
    {
        "ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization", "ALBRequestCountPerTarget",
    };

    public static string ValidateName(string? name)
    {
        var value = ScalableTargetRules.Require(name, "policyName");
        return value.Length <= 256 && !value.Contains(':', StringComparison.Ordinal) && !value.Contains('/', StringComparison.Ordinal)
            ? value
            : throw new ValidationException($"Invalid policy name {value}: at most 256 characters, without ':' or '/'.");
    }

    /// <summary>The policy's type and configuration, checked; the other configuration must be absent.</summary>
    public static ScalingPolicy Validate(PutScalingPolicyRequest request)
    {
        var type = request.PolicyType ?? StepScaling;
        if (type == "PredictiveScaling" || request.PredictiveScalingPolicyConfiguration is not null)
        {
            throw new ValidationException("Berth does not support predictive scaling: it forecasts from days of history Berth does not analyse. Use TargetTrackingScaling or StepScaling.");
        }
        if (!AutoScalingEnums.PolicyType.Contains(type))
        {
            throw new ValidationException($"1 validation error detected: Value '{type}' at 'policyType' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", AutoScalingEnums.PolicyType)}]");
        }
        return type == TargetTracking
            ? request.StepScalingPolicyConfiguration is null
                ? new ScalingPolicy { PolicyType = type, TargetTrackingScalingPolicyConfiguration = Validate(request.TargetTrackingScalingPolicyConfiguration) }
                : throw new ValidationException("StepScalingPolicyConfiguration is not allowed for a TargetTrackingScaling policy.")
            : request.TargetTrackingScalingPolicyConfiguration is null
                ? new ScalingPolicy { PolicyType = type, StepScalingPolicyConfiguration = Validate(request.StepScalingPolicyConfiguration) }
                : throw new ValidationException("TargetTrackingScalingPolicyConfiguration is not allowed for a StepScaling policy.");
    }

    private static TargetTrackingScalingPolicyConfiguration Validate(TargetTrackingScalingPolicyConfiguration? configuration)
    {
        var config = configuration ?? throw new ValidationException("TargetTrackingScalingPolicyConfiguration is required for a TargetTrackingScaling policy.");
        var target = config.TargetValue ?? throw new ValidationException("TargetValue is required.");
        if (!(target is >= 8.515920e-109 and <= 1.174271e+108))
        {
            throw new ValidationException("TargetValue must be between 8.515920e-109 and 1.174271e+108.");
        }
        if ((config.PredefinedMetricSpecification is null) == (config.CustomizedMetricSpecification is null))
        {
            throw new ValidationException("Exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification must be given.");
        }
        if (config.ScaleOutCooldown is < 0 || config.ScaleInCooldown is < 0)
        {
            throw new ValidationException("ScaleOutCooldown and ScaleInCooldown must not be negative.");
        }
        if (config.PredefinedMetricSpecification is { } predefined)
        {
            var metricType = ScalableTargetRules.Require(predefined.PredefinedMetricType, "predefinedMetricType");
            if (!EcsPredefinedMetrics.Contains(metricType))
            {
                throw new ValidationException($"Unsupported predefined metric type {metricType} for an ECS service: use ECSServiceAverageCPUUtilization, ECSServiceAverageMemoryUtilization or ALBRequestCountPerTarget.");
            }
            if (metricType == "ALBRequestCountPerTarget" && !IsAlbResourceLabel(predefined.ResourceLabel))
            {
                throw new ValidationException("ALBRequestCountPerTarget needs a ResourceLabel app/LOAD-BALANCER-NAME/ID/targetgroup/TARGET-GROUP-NAME/ID.");
            }
        }
        if (config.CustomizedMetricSpecification is { } custom)
        {
            if (custom.Metrics is { Count: > 0 })
            {
                throw new ValidationException("Berth does not evaluate metric math in target tracking (CustomizedMetricSpecification.Metrics); give MetricName, Namespace and Statistic.");
            }
            ScalableTargetRules.Require(custom.MetricName, "metricName");
            ScalableTargetRules.Require(custom.Namespace, "namespace");
            var statistic = ScalableTargetRules.Require(custom.Statistic, "statistic");
            if (!AutoScalingEnums.MetricStatistic.Contains(statistic))
            {
                throw new ValidationException($"Invalid statistic {statistic}: use Average, Minimum, Maximum, SampleCount or Sum.");
            }
        }
        return config;
    }

    private static StepScalingPolicyConfiguration Validate(StepScalingPolicyConfiguration? configuration)
    {
        var config = configuration ?? throw new ValidationException("StepScalingPolicyConfiguration is required for a StepScaling policy.");
        var adjustment = ScalableTargetRules.Require(config.AdjustmentType, "adjustmentType");
        if (!AutoScalingEnums.AdjustmentType.Contains(adjustment))
        {
            throw new ValidationException($"Invalid AdjustmentType {adjustment}: use ChangeInCapacity, PercentChangeInCapacity or ExactCapacity.");
        }
        if (config.MinAdjustmentMagnitude is not null && adjustment != "PercentChangeInCapacity")
        {
            throw new ValidationException("MinAdjustmentMagnitude is only allowed with the PercentChangeInCapacity adjustment type.");
        }
        if (config.MinAdjustmentMagnitude is < 1 || config.Cooldown is < 0)
        {
            throw new ValidationException("MinAdjustmentMagnitude must be at least 1 and Cooldown not negative.");
        }
        if (config.MetricAggregationType is { } aggregation && !AutoScalingEnums.MetricAggregationType.Contains(aggregation))
        {
            throw new ValidationException($"Invalid MetricAggregationType {aggregation}: use Average, Minimum or Maximum.");
        }
        var steps = config.StepAdjustments is { Count: > 0 } s ? s : throw new ValidationException("StepAdjustments must contain at least one step adjustment.");
        CheckSteps(steps);
        return config;
    }

    /// <summary>
    /// Step intervals (relative to the alarm's threshold) may not overlap or leave gaps; only the lowest may be open
    /// below and only the highest open above.
    /// </summary>
    private static void CheckSteps(IReadOnlyList<StepAdjustment> steps)
    {
        if (steps.Any(s => s.ScalingAdjustment is null))
        {
            throw new ValidationException("Every step adjustment needs a ScalingAdjustment.");
        }
        if (steps.Any(s => s.MetricIntervalLowerBound is { } lower && s.MetricIntervalUpperBound is { } upper && lower >= upper))
        {
            throw new ValidationException("A step adjustment's MetricIntervalLowerBound must be less than its MetricIntervalUpperBound.");
        }
        var ordered = steps.OrderBy(s => s.MetricIntervalLowerBound ?? double.NegativeInfinity).ToList();
        if (steps.Count(s => s.MetricIntervalLowerBound is null) > 1 || steps.Count(s => s.MetricIntervalUpperBound is null) > 1)
        {
            throw new ValidationException("Only one step adjustment may have a null lower bound, and only one a null upper bound.");
        }
        for (var i = 1; i < ordered.Count; i++)
        {
            if (ordered[i - 1].MetricIntervalUpperBound != ordered[i].MetricIntervalLowerBound)
            {
                throw new ValidationException("Step adjustments may not overlap or leave gaps: each upper bound must be the next step's lower bound.");
            }
        }
    }

    private static bool IsAlbResourceLabel(string? label) =>
        label?.Split('/') is ["app", { Length: > 0 }, { Length: > 0 }, "targetgroup", { Length: > 0 }, { Length: > 0 }];

    /// <summary>The alarms a target tracking policy owns: AlarmHigh always, AlarmLow unless scale-in is disabled.</summary>
    public static IReadOnlyList<PutMetricAlarmInput> TrackingAlarms(string policyArn, string resourceId, string cluster, string service, string alarmId,
        TargetTrackingScalingPolicyConfiguration config)
    {
        var (ns, metric, dimensions, statistic, unit) = MetricOf(config, cluster, service);
        PutMetricAlarmInput Alarm(string suffix, string comparison, double threshold, int datapoints) => new()
        {
            AlarmName = $"TargetTracking-{resourceId}-{suffix}-{alarmId}",
            AlarmDescription = $"DO NOT EDIT OR DELETE. For TargetTrackingScaling policy {policyArn}.",
            ActionsEnabled = true,
            AlarmActions = [policyArn],
            Namespace = ns,
            MetricName = metric,
            Dimensions = dimensions,
            Statistic = statistic,
            Unit = unit,
            Period = 60,
            EvaluationPeriods = datapoints,
            DatapointsToAlarm = datapoints,
            Threshold = threshold,
            ComparisonOperator = comparison,
        };
        var target = config.TargetValue!.Value;
        var high = Alarm("AlarmHigh", "GreaterThanThreshold", target, HighDatapoints);
        return config.DisableScaleIn == true ? [high] : [high, Alarm("AlarmLow", "LessThanThreshold", target * LowThresholdRatio, LowDatapoints)];
    }

    /// <summary>The CloudWatch metric a target tracking configuration follows.</summary>
    public static (string Namespace, string MetricName, IReadOnlyList<Dimension> Dimensions, string Statistic, string? Unit) MetricOf(
        TargetTrackingScalingPolicyConfiguration config, string cluster, string service)
    {
        IReadOnlyList<Dimension> serviceDimensions = [new Dimension { Name = "ClusterName", Value = cluster }, new Dimension { Name = "ServiceName", Value = service }];
        return config.PredefinedMetricSpecification?.PredefinedMetricType switch
        {
            "ECSServiceAverageCPUUtilization" => ("AWS/ECS", "CPUUtilization", serviceDimensions, "Average", null),
            "ECSServiceAverageMemoryUtilization" => ("AWS/ECS", "MemoryUtilization", serviceDimensions, "Average", null),
            "ALBRequestCountPerTarget" => ("AWS/ApplicationELB", "RequestCountPerTarget",
                [new Dimension { Name = "TargetGroup", Value = config.PredefinedMetricSpecification.ResourceLabel![(config.PredefinedMetricSpecification.ResourceLabel!.IndexOf("/targetgroup/", StringComparison.Ordinal) + 1)..] }],
                "Sum", null),
            _ => (config.CustomizedMetricSpecification!.Namespace!, config.CustomizedMetricSpecification.MetricName!,
                [.. (config.CustomizedMetricSpecification.Dimensions ?? []).Select(d => new Dimension { Name = d.Name, Value = d.Value })],
                config.CustomizedMetricSpecification.Statistic!, config.CustomizedMetricSpecification.Unit),
        };
    }
}
