using Berth.Core.Arns;
using Berth.Core.AutoScaling;
using Berth.Core.CloudWatch;
using Berth.Core.Metrics;

namespace Berth.Core.Alarms;

/// <summary>PutMetricAlarm's validation, as CloudWatch's: what it checks and how it words its refusals.</summary>
public static class AlarmRules
{
    public const string InitialReason = "Unchecked: Initial alarm creation";

    /// <summary>CloudWatch's limit on Period × EvaluationPeriods for periods of a minute and more.</summary>
    private const long MaxEvaluationSeconds = 7 * 24 * 3600;
    private const int MaxActions = 5;
    private const int MaxDimensions = 30;
    private const int MaxTags = 50;

    private static readonly IReadOnlySet<string> AnomalyOperators = new HashSet<string>(StringComparer.Ordinal)
    {
        "LessThanLowerOrGreaterThanUpperThreshold", "LessThanLowerThreshold", "GreaterThanUpperThreshold",
    };

    public static string Arn(ResourceScope scope, string name) => $"arn:{scope.Partition}:cloudwatch:{scope.Region}:{scope.AccountId}:alarm:{name}";

    /// <summary>The alarm name of an alarm ARN of <paramref name="scope"/>; null for any other ARN.</summary>
    public static string? NameOf(ResourceScope scope, string arn)
    {
        var prefix = Arn(scope, "");
        return arn.StartsWith(prefix, StringComparison.Ordinal) && arn.Length > prefix.Length ? arn[prefix.Length..] : null;
    }

    public static string ValidateName(string? name, string parameter = "AlarmName")
    {
        var value = MetricDataRules.Require(name, parameter);
        return value.Length <= 255
            ? value
            : throw new InvalidParameterValueException($"The value for parameter {parameter} must be at most 255 characters long.");
    }

    /// <summary>
    /// The alarm <paramref name="input"/> describes, configured at <paramref name="now"/>. An update keeps the alarm's
    /// state (CloudWatch: "its state is left unchanged, but the update completely overwrites the previous configuration").
    /// </summary>
    public static MetricAlarm Build(PutMetricAlarmInput input, MetricAlarm? existing, ResourceScope scope, DateTimeOffset now)
    {
        var name = ValidateName(input.AlarmName);
        if (input.Metrics is { Count: > 0 } || input.ThresholdMetricId is not null)
        {
            throw new InvalidParameterValueException(
                "Berth does not evaluate metric math or anomaly detection alarms (Metrics, ThresholdMetricId); give MetricName, Namespace, Statistic and Period.");
        }
        if (input.EvaluationCriteria is not null || input.EvaluationInterval is not null)
        {
            throw new InvalidParameterValueException("Berth does not support EvaluationCriteria or EvaluationInterval (PromQL alarms).");
        }
        if (input.AlarmDescription is { Length: > 1024 })
        {
            throw new InvalidParameterValueException("The value for parameter AlarmDescription must be at most 1024 characters long.");
        }
        var ns = MetricDataRules.Require(input.Namespace, "Namespace");
        var metricName = MetricDataRules.Require(input.MetricName, "MetricName");
        var statistic = Statistic(input.Statistic, input.ExtendedStatistic, input.EvaluateLowSampleCountPercentile);
        var period = Period(input.Period, input.EvaluationPeriods);
        var evaluationPeriods = input.EvaluationPeriods!.Value;
        var datapointsToAlarm = input.DatapointsToAlarm ?? evaluationPeriods;
        if (datapointsToAlarm < 1 || datapointsToAlarm > evaluationPeriods)
        {
            throw new InvalidParameterValueException("DatapointsToAlarm must be at least 1 and at most EvaluationPeriods.");
        }
        var threshold = input.Threshold ?? throw new MissingRequiredParameterException("Threshold");
        var comparison = MetricDataRules.Require(input.ComparisonOperator, "ComparisonOperator");
        if (!CloudWatchEnums.ComparisonOperator.Contains(comparison))
        {
            throw new InvalidParameterValueException($"The value {comparison} for parameter ComparisonOperator is not valid.");
        }
        if (AnomalyOperators.Contains(comparison))
        {
            throw new InvalidParameterValueException($"The comparison operator {comparison} is for anomaly detection alarms, which need ThresholdMetricId; Berth does not support them.");
        }
        var treatment = input.TreatMissingData ?? AlarmTreatments.Missing;
        if (!AlarmTreatments.All.Contains(treatment))
        {
            throw new InvalidParameterValueException($"The value {treatment} for parameter TreatMissingData is not valid: use breaching, notBreaching, ignore or missing.");
        }
        var unit = input.Unit;
        if (unit is not null && !CloudWatchEnums.StandardUnit.Contains(unit))
        {
            throw new InvalidParameterValueException($"The value {unit} for parameter Unit is not a valid unit.");
        }
        return new MetricAlarm
        {
            AlarmName = name,
            AlarmArn = Arn(scope, name),
            AlarmDescription = input.AlarmDescription,
            AlarmConfigurationUpdatedTimestamp = now,
            ActionsEnabled = input.ActionsEnabled ?? true,
            OKActions = Actions(input.OKActions, "OKActions", scope),
            AlarmActions = Actions(input.AlarmActions, "AlarmActions", scope),
            InsufficientDataActions = Actions(input.InsufficientDataActions, "InsufficientDataActions", scope),
            StateValue = existing?.StateValue ?? AlarmStates.InsufficientData,
            StateReason = existing?.StateReason ?? InitialReason,
            StateReasonData = existing?.StateReasonData,
            StateUpdatedTimestamp = existing?.StateUpdatedTimestamp ?? now,
            StateTransitionedTimestamp = existing?.StateTransitionedTimestamp ?? now,
            MetricName = metricName,
            Namespace = ns,
            Statistic = statistic,
            Dimensions = Dimensions(input.Dimensions),
            Period = period,
            Unit = unit,
            EvaluationPeriods = evaluationPeriods,
            DatapointsToAlarm = input.DatapointsToAlarm,
            Threshold = threshold,
            ComparisonOperator = comparison,
            TreatMissingData = treatment,
        };
    }

    public static AlarmCriteria CriteriaOf(MetricAlarm alarm) => new(alarm.ComparisonOperator!, alarm.Threshold!.Value, alarm.EvaluationPeriods!.Value,
        alarm.DatapointsToAlarm ?? alarm.EvaluationPeriods!.Value, alarm.TreatMissingData ?? AlarmTreatments.Missing);

    public static MetricSeries SeriesOf(MetricAlarm alarm) => MetricSeries.Create(alarm.Namespace!, alarm.MetricName!, alarm.Dimensions);

    public static IReadOnlyList<Tag> Tags(IReadOnlyList<Tag>? tags, IReadOnlyList<Tag> existing)
    {
        var merged = existing.ToDictionary(t => t.Key!, t => t.Value ?? "", StringComparer.Ordinal);
        foreach (var tag in tags ?? [])
        {
            var key = MetricDataRules.Require(tag.Key, "Tags.member.N.Key");
            if (key.Length > 128 || tag.Value is { Length: > 256 } || key.StartsWith("aws:", StringComparison.Ordinal))
            {
                throw new InvalidParameterValueException($"The tag {key} is not valid: keys are 1-128 characters and may not start with aws:, values at most 256 characters.");
            }
            merged[key] = tag.Value ?? "";
        }
        return merged.Count <= MaxTags
            ? [.. merged.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new Tag { Key = t.Key, Value = t.Value })]
            : throw new LimitExceededFault($"A resource can have at most {MaxTags} tags.");
    }

    private static string Statistic(string? statistic, string? extended, string? lowSampleCount)
    {
        if ((statistic is null) == (extended is null))
        {
            throw new InvalidParameterCombinationException("Exactly one of the parameters Statistic and ExtendedStatistic must be specified.");
        }
        if (extended is not null || lowSampleCount is not null)
        {
            throw new InvalidParameterValueException("Berth does not support ExtendedStatistic (percentiles): it keeps statistic sets, not samples.");
        }
        return CloudWatchEnums.Statistic.Contains(statistic!)
            ? statistic!
            : throw new InvalidParameterValueException($"The value {statistic} for parameter Statistic is not valid.");
    }

    private static int Period(int? period, int? evaluationPeriods)
    {
        var seconds = period ?? throw new MissingRequiredParameterException("Period");
        var count = evaluationPeriods ?? throw new MissingRequiredParameterException("EvaluationPeriods");
        if (count < 1)
        {
            throw new InvalidParameterValueException("The parameter EvaluationPeriods must be at least 1.");
        }
        if (seconds is 10 or 20 or 30)
        {
            throw new InvalidParameterValueException($"The parameter Period {seconds} is a high-resolution period; Berth keeps no high-resolution metrics, use a multiple of 60.");
        }
        if (seconds < 60 || seconds % 60 != 0)
        {
            throw new InvalidParameterValueException("The parameter Period must be 10, 20, 30 or a multiple of 60.");
        }
        return (long)seconds * count <= MaxEvaluationSeconds
            ? seconds
            : throw new InvalidParameterValueException("The product of Period and EvaluationPeriods must not exceed 604800 seconds (7 days).");
    }

    private static IReadOnlyList<Dimension> Dimensions(IReadOnlyList<Dimension>? dimensions)
    {
        var given = dimensions ?? [];
        if (given.Count > MaxDimensions)
        {
            throw new InvalidParameterValueException($"The collection Dimensions must not have a size greater than {MaxDimensions}.");
        }
        foreach (var dimension in given)
        {
            if (MetricDataRules.Require(dimension.Name, "Dimensions.member.N.Name").Length > 255 || MetricDataRules.Require(dimension.Value, "Dimensions.member.N.Value").Length > 1024)
            {
                throw new InvalidParameterValueException("A dimension name is at most 255 characters and a value at most 1024.");
            }
        }
        if (given.Select(d => d.Name).Distinct(StringComparer.Ordinal).Count() != given.Count)
        {
            throw new InvalidParameterValueException("The collection Dimensions must not name a dimension twice.");
        }
        return given;
    }

    /// <summary>
    /// An alarm's actions. Berth carries out one kind: invoking an Application Auto Scaling policy of the alarm's
    /// account and region. Other actions (SNS, EC2, Systems Manager, Lambda) would never run, so they are refused.
    /// </summary>
    private static IReadOnlyList<string> Actions(IReadOnlyList<string>? actions, string parameter, ResourceScope scope)
    {
        var given = actions ?? [];
        if (given.Count > MaxActions)
        {
            throw new InvalidParameterValueException($"The collection {parameter} must not have a size greater than {MaxActions}.");
        }
        foreach (var action in given)
        {
            if (ScalingPolicyArn.TryParse(action) is not { } policy)
            {
                throw new InvalidParameterValueException(
                    $"Invalid action ARN {action} in {parameter}: Berth carries out Application Auto Scaling policy actions (arn:aws:autoscaling:...:scalingPolicy:...) only.");
            }
            if (policy.Region != scope.Region || policy.AccountId != scope.AccountId)
            {
                throw new InvalidParameterValueException($"Invalid action ARN {action} in {parameter}: the policy must be in the alarm's account and region.");
            }
        }
        return [.. given.Distinct(StringComparer.Ordinal)];
    }
}
