using Berth.Control.Alarms;
using Berth.Core.Alarms;
using Berth.Core.Arns;
using Berth.Core.AutoScaling;
using Berth.Core.CloudWatch;
using Berth.Core.Errors;
using Berth.Store;

namespace Berth.Control.AutoScaling;

/// <summary>
/// Scaling policies of registered targets. A target tracking policy creates and owns its CloudWatch alarms
/// (<see cref="ScalingPolicyRules.TrackingAlarms"/>) and deletes them with itself; a step scaling policy is invoked by
/// whichever alarms name it, which DescribeScalingPolicies lists as its alarms.
/// </summary>
public sealed class ScalingPolicies(IStateStore store, MetricAlarms alarms)
{
    public async Task<PutScalingPolicyResponse> PutAsync(PutScalingPolicyRequest request, ResourceScope scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var name = ScalingPolicyRules.ValidateName(request.PolicyName);
        var (resourceId, cluster, service) = ScalableTargetRules.Validate(request.ServiceNamespace, request.ResourceId, request.ScalableDimension);
        var configured = ScalingPolicyRules.Validate(request);
        await RequireTargetAsync(scope, resourceId, cancellationToken).ConfigureAwait(false);
        var current = await store.GetAsync(AutoScalingRecords.Policies, AutoScalingRecords.PolicyId(scope, resourceId, name), cancellationToken).ConfigureAwait(false);
        var arn = current?.Value.Policy.PolicyARN ?? ScalingPolicyArn.Format(scope, Guid.NewGuid().ToString(), ScalableTargetRules.Namespace, resourceId, name);
        IReadOnlyList<Alarm> owned = [];
        if (configured.TargetTrackingScalingPolicyConfiguration is { } tracking)
        {
            // An update keeps the alarms' names: their id is the last part of the name of the alarms the policy owns.
            var alarmId = current?.Value.Policy.Alarms is [var first, ..] && current.Value.Policy.PolicyType == ScalingPolicyRules.TargetTracking
                ? first.AlarmName![^36..]
                : Guid.NewGuid().ToString();
            var inputs = ScalingPolicyRules.TrackingAlarms(arn, resourceId, cluster, service, alarmId, tracking);
            foreach (var input in inputs)
            {
                await alarms.PutAsync(input, scope, now, cancellationToken).ConfigureAwait(false);
            }
            owned = [.. inputs.Select(i => new Alarm { AlarmName = i.AlarmName, AlarmARN = AlarmRules.Arn(scope, i.AlarmName!) })];
        }
        await DeleteOwnedAlarmsAsync(current?.Value.Policy, scope, keep: owned, now, cancellationToken).ConfigureAwait(false);
        var policy = configured with
        {
            PolicyARN = arn,
            PolicyName = name,
            ServiceNamespace = ScalableTargetRules.Namespace,
            ResourceId = resourceId,
            ScalableDimension = ScalableTargetRules.Dimension,
            Alarms = owned,
            CreationTime = current?.Value.Policy.CreationTime ?? now,
        };
        await store.RetryOnConflictAsync(async ct =>
        {
            var latest = await store.GetAsync(AutoScalingRecords.Policies, AutoScalingRecords.PolicyId(scope, resourceId, name), ct).ConfigureAwait(false);
            var record = latest is null ? new ScalingPolicyRecord(policy) : latest.Value with { Policy = policy };
            await store.CommitAsync([AutoScalingRecords.PutPolicy(scope, record, latest?.Version ?? 0)], ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        return new PutScalingPolicyResponse { PolicyARN = arn, Alarms = owned };
    }

    public async Task<DescribeScalingPoliciesResponse> DescribeAsync(DescribeScalingPoliciesRequest request, ResourceScope scope, CancellationToken cancellationToken)
    {
        var (page, token) = await TargetRecordQuery.PageAsync(store, AutoScalingRecords.Policies, scope,
            new NamedItemFilter(request.ServiceNamespace, request.ResourceId, request.PolicyNames, request.ScalableDimension, request.MaxResults, request.NextToken),
            r => r.Policy, p => (p.PolicyName, p.ScalableDimension), cancellationToken).ConfigureAwait(false);
        var answered = new List<ScalingPolicy>();
        foreach (var policy in page)
        {
            answered.Add(policy.PolicyType == ScalingPolicyRules.StepScaling ? policy with { Alarms = await InvokingAlarmsAsync(policy, scope, cancellationToken).ConfigureAwait(false) } : policy);
        }
        return new DescribeScalingPoliciesResponse { ScalingPolicies = answered, NextToken = token };
    }

    public async Task DeleteAsync(DeleteScalingPolicyRequest request, ResourceScope scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var name = ScalingPolicyRules.ValidateName(request.PolicyName);
        var (resourceId, _, _) = ScalableTargetRules.Validate(request.ServiceNamespace, request.ResourceId, request.ScalableDimension);
        var current = await store.GetAsync(AutoScalingRecords.Policies, AutoScalingRecords.PolicyId(scope, resourceId, name), cancellationToken).ConfigureAwait(false)
            ?? throw new ObjectNotFoundException($"No scaling policy found for service namespace: ecs, resource ID: {resourceId}, scalable dimension: {ScalableTargetRules.Dimension}, policy name: {name}");
        await DeleteAsync(current, scope, now, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes every policy of a target, with the alarms they own (DeregisterScalableTarget).</summary>
    public async Task DeleteAllAsync(ResourceScope scope, string resourceId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var policy in await OfTargetAsync(scope, resourceId, cancellationToken).ConfigureAwait(false))
        {
            await DeleteAsync(policy, scope, now, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<IReadOnlyList<Versioned<ScalingPolicyRecord>>> OfTargetAsync(ResourceScope scope, string resourceId, CancellationToken cancellationToken) =>
        store.QueryAsync(AutoScalingRecords.Policies,
            new RecordQuery(AutoScalingRecords.Policies.Kind, AutoScalingRecords.Scope(scope)) { SortKeyPrefix = AutoScalingRecords.OfTarget(resourceId) }, cancellationToken);

    private async Task DeleteAsync(Versioned<ScalingPolicyRecord> policy, ResourceScope scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await DeleteOwnedAlarmsAsync(policy.Value.Policy, scope, keep: [], now, cancellationToken).ConfigureAwait(false);
        await store.CommitAsync([AutoScalingRecords.Policies.Delete(policy)], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the alarms a target tracking policy owned that it no longer does (all of them when it goes).</summary>
    private async Task DeleteOwnedAlarmsAsync(ScalingPolicy? policy, ResourceScope scope, IReadOnlyList<Alarm> keep, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (policy?.PolicyType != ScalingPolicyRules.TargetTracking)
        {
            return;
        }
        var stale = (policy.Alarms ?? []).Select(a => a.AlarmName!).Except(keep.Select(a => a.AlarmName!), StringComparer.Ordinal).ToList();
        if (stale.Count == 0)
        {
            // DescribeAlarms without names lists every alarm: an update that keeps all its alarms deletes none.
            return;
        }
        var existing = (await alarms.DescribeAsync(new DescribeAlarmsInput { AlarmNames = stale }, scope, cancellationToken).ConfigureAwait(false)).MetricAlarms ?? [];
        if (existing.Count > 0)
        {
            await alarms.DeleteAsync([.. existing.Select(a => a.AlarmName!)], scope, now, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<IReadOnlyList<Alarm>> InvokingAlarmsAsync(ScalingPolicy policy, ResourceScope scope, CancellationToken cancellationToken)
    {
        var found = await alarms.DescribeAsync(new DescribeAlarmsInput { ActionPrefix = policy.PolicyARN, MaxRecords = 100 }, scope, cancellationToken).ConfigureAwait(false);
        return [.. (found.MetricAlarms ?? []).Select(a => new Alarm { AlarmName = a.AlarmName, AlarmARN = a.AlarmArn })];
    }

    private async Task RequireTargetAsync(ResourceScope scope, string resourceId, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(AutoScalingRecords.Targets, AutoScalingRecords.TargetId(scope, resourceId), cancellationToken).ConfigureAwait(false) is null)
        {
            throw NoTarget(resourceId);
        }
    }

    public static ObjectNotFoundException NoTarget(string resourceId) =>
        new($"No scalable target registered for service namespace: ecs, resource ID: {resourceId}, scalable dimension: {ScalableTargetRules.Dimension}");
}
