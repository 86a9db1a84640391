using System.Text.Json.Serialization;

namespace Berth.Core.AutoScaling;

/// <summary>A registered scalable target (an ECS service's desired count) and its tags.</summary>
public sealed record ScalableTargetRecord(ScalableTarget Target, IReadOnlyDictionary<string, string> Tags);

/// <summary>
/// A scaling policy as DescribeScalingPolicies answers it, with what the scaling engine keeps between invocations:
/// when it last scaled out and in (its cooldowns start there), and the capacity its last scale-out was computed from
/// (<see cref="ScalingCooldowns.ScaleOut"/>).
/// </summary>
public sealed record ScalingPolicyRecord(ScalingPolicy Policy, DateTimeOffset? LastScaleOut = null, DateTimeOffset? LastScaleIn = null, int? ScaledOutFrom = null);

/// <summary>A scheduled action and the last time it ran (a recurring one runs once per occurrence).</summary>
public sealed record ScheduledActionRecord(ScheduledAction Action, DateTimeOffset? LastRun = null);

/// <summary>JSON contracts of Application Auto Scaling's stored records (source-generated).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ScalableTargetRecord))]
[JsonSerializable(typeof(ScalingPolicyRecord))]
[JsonSerializable(typeof(ScheduledActionRecord))]
[JsonSerializable(typeof(ScalingActivity))]
public sealed partial class AutoScalingRecordsJsonContext : JsonSerializerContext;
