using System.Globalization;
using Berth.Core.Arns;
using Berth.Core.AutoScaling;

namespace Berth.Store;

/// <summary>
/// Application Auto Scaling's records, per account and region: scalable targets by resource id; policies and
/// scheduled actions sorted by resource id and name (so one target's are one sort-key prefix); scaling activities
/// sorted by resource id and time.
/// </summary>
public static class AutoScalingRecords
{
    public static readonly RecordType<ScalableTargetRecord> Targets = new("autoscaling-target", AutoScalingRecordsJsonContext.Default);

    public static readonly RecordType<ScalingPolicyRecord> Policies = new("autoscaling-policy", AutoScalingRecordsJsonContext.Default);

    public static readonly RecordType<ScheduledActionRecord> ScheduledActions = new("autoscaling-scheduled-action", AutoScalingRecordsJsonContext.Default);

    public static readonly RecordType<ScalingActivity> Activities = new("autoscaling-activity", AutoScalingRecordsJsonContext.Default);

    public static string Scope(ResourceScope scope) => $"application-autoscaling:{scope.AccountId}:{scope.Region}";

    public static string TargetId(ResourceScope scope, string resourceId) => $"{Scope(scope)}:{resourceId}";

    /// <summary>The sort-key prefix of everything of one target: its resource id and a separator no resource id contains.</summary>
    public static string OfTarget(string resourceId) => resourceId + "|";

    public static string PolicyId(ResourceScope scope, string resourceId, string name) => $"{Scope(scope)}:{OfTarget(resourceId)}{name}";

    public static string ScheduledActionId(ResourceScope scope, string resourceId, string name) => $"{Scope(scope)}:{OfTarget(resourceId)}{name}";

    public static PutRecord PutTarget(ResourceScope scope, ScalableTargetRecord target, long expectedVersion) =>
        Targets.Put(TargetId(scope, target.Target.ResourceId!), Scope(scope), target.Target.ResourceId!, target, expectedVersion);

    public static PutRecord PutPolicy(ResourceScope scope, ScalingPolicyRecord policy, long expectedVersion) =>
        Policies.Put(PolicyId(scope, policy.Policy.ResourceId!, policy.Policy.PolicyName!), Scope(scope), OfTarget(policy.Policy.ResourceId!) + policy.Policy.PolicyName,
            policy, expectedVersion);

    public static PutRecord PutScheduledAction(ResourceScope scope, ScheduledActionRecord action, long expectedVersion) =>
        ScheduledActions.Put(ScheduledActionId(scope, action.Action.ResourceId!, action.Action.ScheduledActionName!), Scope(scope),
            OfTarget(action.Action.ResourceId!) + action.Action.ScheduledActionName, action, expectedVersion);

    /// <summary>A new activity, sorted by its target and start time.</summary>
    public static PutRecord AddActivity(ResourceScope scope, ScalingActivity activity)
    {
        var sortKey = $"{OfTarget(activity.ResourceId!)}{activity.StartTime!.Value.UtcDateTime.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture)}/{activity.ActivityId}";
        return Activities.Put($"{Scope(scope)}:{activity.ActivityId}", Scope(scope), sortKey, activity, 0);
    }
}
