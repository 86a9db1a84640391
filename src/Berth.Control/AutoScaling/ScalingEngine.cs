using System.Text.Json;
using Berth.Control.Alarms;
using Berth.Control.Services;
using Berth.Core.Alarms;
using Berth.Core.Arns;
using Berth.Core.AutoScaling;
using Berth.Core.CloudWatch;
using Berth.Core.Ecs;
using Berth.Core.Services;
using Berth.Store;

namespace Berth.Control.AutoScaling;

/// <summary>
/// Carries out scaling: alarm actions naming a scaling policy (target tracking and step scaling) and due scheduled
/// actions. Every change of a service's desired count goes through <see cref="ServiceUpdate.Apply"/> and wakes the
/// scheduler, exactly as UpdateService does, and is recorded as a scaling activity with Application Auto Scaling's
/// texts.
/// </summary>
public sealed class ScalingEngine(IStateStore store, ServiceSignal signal) : IAlarmActionHandler
{
    public bool Handles(string action) => ScalingPolicyArn.TryParse(action) is not null;

    public async Task<string?> InvokeAsync(string action, MetricAlarm alarm, ResourceScope scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var arn = ScalingPolicyArn.TryParse(action)!;
        var policy = await store.GetAsync(AutoScalingRecords.Policies, AutoScalingRecords.PolicyId(scope, arn.ResourceId, arn.PolicyName), cancellationToken).ConfigureAwait(false);
        if (policy is null || policy.Value.Policy.PolicyARN != action)
        {
            return $"No scaling policy found for ARN {action}";
        }
        var target = await store.GetAsync(AutoScalingRecords.Targets, AutoScalingRecords.TargetId(scope, arn.ResourceId), cancellationToken).ConfigureAwait(false);
        if (target is null)
        {
            return $"No scalable target registered for resource ID: {arn.ResourceId}";
        }
        var current = await DesiredCountAsync(scope, arn.ResourceId, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return $"ECS service doesn't exist: {arn.ResourceId}";
        }
        var policies = await TargetRecordQuery.ReadAsync(store, AutoScalingRecords.Policies, scope, arn.ResourceId, cancellationToken).ConfigureAwait(false);
        var cooldowns = new CooldownState(policy.Value.LastScaleOut, policy.Value.ScaledOutFrom, policy.Value.LastScaleIn,
            policies.Select(p => p.Value.LastScaleOut).Max());
        var decision = Decide(policy.Value.Policy, cooldowns, target.Value.Target, alarm, current.Value, now);
        if (decision is not var (wanted, from) || wanted == current)
        {
            return null;
        }
        var cause = $"monitor alarm {alarm.AlarmName} in state {alarm.StateValue} triggered policy {arn.PolicyName}";
        await SetDesiredCountAsync(scope, arn.ResourceId, wanted, cause, now, cancellationToken).ConfigureAwait(false);
        await store.RetryOnConflictAsync(async ct =>
        {
            var latest = await store.GetAsync(AutoScalingRecords.Policies, AutoScalingRecords.PolicyId(scope, arn.ResourceId, arn.PolicyName), ct).ConfigureAwait(false);
            if (latest is not null)
            {
                var updated = wanted > current ? latest.Value with { LastScaleOut = now, ScaledOutFrom = from } : latest.Value with { LastScaleIn = now };
                await store.CommitAsync([AutoScalingRecords.PutPolicy(scope, updated, latest.Version)], ct).ConfigureAwait(false);
            }
            return true;
        }, cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary>Runs every scheduled action with an occurrence due since its last run; the count run.</summary>
    public async Task<int> RunScheduledAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var actions = await store.QueryAsync(AutoScalingRecords.ScheduledActions, new RecordQuery(AutoScalingRecords.ScheduledActions.Kind, Scope: null), cancellationToken)
            .ConfigureAwait(false);
        var run = 0;
        foreach (var record in actions)
        {
            var action = record.Value.Action;
            var origin = action.StartTime ?? action.CreationTime!.Value;
            var after = record.Value.LastRun ?? action.CreationTime!.Value;
            var due = ScheduleExpression.Parse(action.Schedule).LatestDue(after, now, origin, ScheduleExpression.Zone(action.Timezone));
            if (due is null || (action.StartTime is { } start && due < start) || (action.EndTime is { } end && due > end))
            {
                continue;
            }
            var scope = ScopeOf(action.ScheduledActionARN!);
            await store.CommitAsync([AutoScalingRecords.PutScheduledAction(scope, record.Value with { LastRun = now }, record.Version)], cancellationToken).ConfigureAwait(false);
            await RunAsync(scope, action, now, cancellationToken).ConfigureAwait(false);
            run++;
        }
        return run;
    }

    private async Task RunAsync(ResourceScope scope, ScheduledAction action, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var resourceId = action.ResourceId!;
        var target = await store.GetAsync(AutoScalingRecords.Targets, AutoScalingRecords.TargetId(scope, resourceId), cancellationToken).ConfigureAwait(false);
        if (target is null || target.Value.Target.SuspendedState?.ScheduledScalingSuspended == true)
        {
            return;
        }
        var min = action.ScalableTargetAction!.MinCapacity ?? target.Value.Target.MinCapacity!.Value;
        var max = action.ScalableTargetAction.MaxCapacity ?? target.Value.Target.MaxCapacity!.Value;
        // A scheduled action may set one bound past the other; the one it sets wins, as Application Auto Scaling does.
        (min, max) = action.ScalableTargetAction.MinCapacity is null ? (Math.Min(min, max), max) : (min, Math.Max(min, max));
        var range = $"min capacity to {min} and max capacity to {max}";
        await store.CommitAsync(
        [
            AutoScalingRecords.PutTarget(scope, target.Value with { Target = target.Value.Target with { MinCapacity = min, MaxCapacity = max } }, target.Version),
            AutoScalingRecords.AddActivity(scope, Activity(resourceId, $"Setting {range}", $"scheduled action name {action.ScheduledActionName} was triggered",
                $"Successfully set {range}. Change successfully fulfilled by ecs.", now)),
        ], cancellationToken).ConfigureAwait(false);
        // The desired count follows the range change: a millisecond later, so the activities list newest first in that order
        // rather than by their random ids.
        await MoveIntoRangeAsync(scope, resourceId, min, max, now.AddMilliseconds(1), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Moves an active service's desired count into a new range of its scalable target, as a scheduled action or
    /// RegisterScalableTarget does ("it changes the resource's current capacity to a value that is inside of this range").
    /// </summary>
    public async Task MoveIntoRangeAsync(ResourceScope scope, string resourceId, int min, int max, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await DesiredCountAsync(scope, resourceId, cancellationToken).ConfigureAwait(false) is { } current && ScalingDecisions.Clamp(current, min, max) is var wanted && wanted != current)
        {
            var cause = wanted > current ? $"minimum capacity was set to {min}" : $"maximum capacity was set to {max}";
            await SetDesiredCountAsync(scope, resourceId, wanted, cause, now, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The capacity the policy asks for, clamped to the target's range, with the capacity a scale-out was computed from
    /// (<see cref="ScalingCooldowns"/>); null when it asks for nothing now.
    /// </summary>
    private static (int Capacity, int From)? Decide(ScalingPolicy policy, CooldownState cooldowns, ScalableTarget target, MetricAlarm alarm, int current, DateTimeOffset now)
    {
        var metric = LatestDatapoint(alarm);
        var above = alarm.ComparisonOperator!.StartsWith("Greater", StringComparison.Ordinal);
        (int Capacity, int From)? decision;
        if (policy.TargetTrackingScalingPolicyConfiguration is { } tracking)
        {
            if (metric is not { } value)
            {
                return null;
            }
            var targetValue = tracking.TargetValue!.Value;
            decision = above
                ? ScalingCooldowns.ScaleOut(current, cooldowns, Seconds(tracking.ScaleOutCooldown), now, from => ScalingDecisions.TargetTracking(from, value, targetValue, scaleOut: true))
                : tracking.DisableScaleIn == true || ScalingCooldowns.ScaleInBlocked(cooldowns, Seconds(tracking.ScaleInCooldown), now)
                    ? null
                    : (ScalingDecisions.TargetTracking(current, value, targetValue, scaleOut: false), current);
        }
        else
        {
            var step = policy.StepScalingPolicyConfiguration!;
            var cooldown = Seconds(step.Cooldown);
            // Without a datapoint (SetAlarmState), the breach is taken at the threshold, on the alarm's side of it.
            var breach = metric is { } value ? value - alarm.Threshold!.Value : above ? 0 : -double.Epsilon;
            decision = ScalingDecisions.Step(current, step, breach) switch
            {
                { } up when up > current => ScalingCooldowns.ScaleOut(current, cooldowns, cooldown, now, from => ScalingDecisions.Step(from, step, breach)),
                { } down when down < current && !ScalingCooldowns.ScaleInBlocked(cooldowns, cooldown, now) => (down, current),
                _ => null,
            };
        }
        if (decision is not var (capacity, origin))
        {
            return null;
        }
        var suspended = target.SuspendedState;
        if ((capacity > current && suspended?.DynamicScalingOutSuspended == true) || (capacity < current && suspended?.DynamicScalingInSuspended == true))
        {
            return null;
        }
        return (ScalingDecisions.Clamp(capacity, target.MinCapacity!.Value, target.MaxCapacity!.Value), origin);
    }

    private static TimeSpan Seconds(int? cooldown) => TimeSpan.FromSeconds(cooldown ?? ScalingPolicyRules.DefaultCooldownSeconds);

    /// <summary>The newest datapoint the alarm's last evaluation saw (its StateReasonData), if any.</summary>
    private static double? LatestDatapoint(MetricAlarm alarm)
    {
        if (alarm.StateReasonData is not { } data)
        {
            return null;
        }
        using var document = JsonDocument.Parse(data);
        return document.RootElement.TryGetProperty("recentDatapoints", out var points) && points.ValueKind == JsonValueKind.Array && points.GetArrayLength() > 0
            ? points[points.GetArrayLength() - 1].GetDouble()
            : null;
    }

    private async Task<int?> DesiredCountAsync(ResourceScope scope, string resourceId, CancellationToken cancellationToken)
    {
        var (_, cluster, service) = ScalableTargetRules.Resource(resourceId);
        var record = await store.GetAsync(EcsRecords.Services, scope.ServiceArn(cluster, service), cancellationToken).ConfigureAwait(false);
        return record?.Value.Service.Status == ServiceStatuses.Active ? record.Value.Service.DesiredCount : null;
    }

    /// <summary>UpdateService's desired count change, then the activity that records it.</summary>
    private async Task SetDesiredCountAsync(ResourceScope scope, string resourceId, int desired, string cause, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (_, cluster, service) = ScalableTargetRules.Resource(resourceId);
        var deploymentId = ServiceRules.NewDeploymentId(Random.Shared);
        await store.RetryOnConflictAsync(async ct =>
        {
            var record = await store.GetAsync(EcsRecords.Services, scope.ServiceArn(cluster, service), ct).ConfigureAwait(false);
            if (record is null)
            {
                return false;
            }
            var updated = ServiceUpdate.Apply(record.Value.Service, new UpdateServiceRequest { DesiredCount = desired }, null, deploymentId, now);
            await store.CommitAsync(
            [
                EcsRecords.PutService(record.Value with { Service = updated }, record.Version),
                AutoScalingRecords.AddActivity(scope, Activity(resourceId, $"Setting desired count to {desired}.", cause,
                    $"Successfully set desired count to {desired}. Change successfully fulfilled by ecs.", now)),
            ], ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        signal.Notify();
    }

    private static ScalingActivity Activity(string resourceId, string description, string cause, string message, DateTimeOffset now) => new()
    {
        ActivityId = Guid.NewGuid().ToString(),
        ServiceNamespace = ScalableTargetRules.Namespace,
        ResourceId = resourceId,
        ScalableDimension = ScalableTargetRules.Dimension,
        Description = description,
        Cause = cause,
        StartTime = now,
        EndTime = now,
        StatusCode = "Successful",
        StatusMessage = message,
    };

    /// <summary>arn:aws:autoscaling:REGION:ACCOUNT:… → its account and region.</summary>
    private static ResourceScope ScopeOf(string arn)
    {
        var parts = arn.Split(':', 6);
        return new ResourceScope(parts[3], parts[4]);
    }
}
