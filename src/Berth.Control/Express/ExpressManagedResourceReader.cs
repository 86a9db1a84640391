using Berth.Core.Arns;
using Berth.Core.CloudWatch;
using Berth.Core.Ecs;
using Berth.Core.Express;
using Berth.Store;

namespace Berth.Control.Express;

/// <summary>
/// Fills DescribeServiceRevisions' <c>ecsManagedResources</c> for the revisions an Express service deployed: reads the
/// Express record and each resource it provisioned (load balancer, listener, target group, scalable target, scaling
/// policy and the policy's alarms) from the records of the APIs that own them, and lets
/// <see cref="ExpressManagedResources"/> describe them. Other revisions are returned unchanged.
/// </summary>
public static class ExpressManagedResourceReader
{
    public static async Task<List<ServiceRevision>> AddToAsync(
        IStateStore store, ResourceScope scope, IReadOnlyList<ServiceRevision> revisions, CancellationToken cancellationToken)
    {
        var states = new Dictionary<string, (ExpressGatewayRecord Record, ExpressProvisionedState State)?>(StringComparer.Ordinal);
        var described = new List<ServiceRevision>(revisions.Count);
        foreach (var revision in revisions)
        {
            if (!states.TryGetValue(revision.ServiceArn!, out var express))
            {
                express = await ReadAsync(store, scope, revision.ServiceArn!, cancellationToken).ConfigureAwait(false);
                states[revision.ServiceArn!] = express;
            }
            // Only the revisions the Express service deployed: a later plain service of the same name has its own.
            described.Add(express is var (record, state) && record.Configurations.Any(c => c.ServiceRevisionArn == revision.ServiceRevisionArn)
                ? revision with { EcsManagedResources = ExpressManagedResources.Of(record, revision.ServiceRevisionArn!, state) }
                : revision);
        }
        return described;
    }

    private static async Task<(ExpressGatewayRecord, ExpressProvisionedState)?> ReadAsync(
        IStateStore store, ResourceScope scope, string serviceArn, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(ExpressRecords.Services, serviceArn, cancellationToken).ConfigureAwait(false) is not { Value: var record })
        {
            return null;
        }
        var resources = record.Resources;
        var balancer = await store.GetAsync(ElbRecords.LoadBalancers, resources.LoadBalancerArn, cancellationToken).ConfigureAwait(false);
        var listener = await store.GetAsync(ElbRecords.Listeners, resources.ListenerArn, cancellationToken).ConfigureAwait(false);
        var group = await store.GetAsync(ElbRecords.TargetGroups, resources.TargetGroupArn, cancellationToken).ConfigureAwait(false);
        var target = await store.GetAsync(AutoScalingRecords.Targets,
            AutoScalingRecords.TargetId(scope, resources.ScalableTargetResourceId), cancellationToken).ConfigureAwait(false);
        var policy = await store.GetAsync(AutoScalingRecords.Policies,
            AutoScalingRecords.PolicyId(scope, resources.ScalableTargetResourceId, ExpressGatewayPlan.PolicyName), cancellationToken).ConfigureAwait(false);
        // The scalable target and policy are those Express registered only while their ARNs are the ones it recorded.
        var ownTarget = target?.Value.Target is { } t && t.ScalableTargetARN == resources.ScalableTargetArn ? t : null;
        var ownPolicy = policy?.Value.Policy is { } p && p.PolicyARN == resources.ScalingPolicyArn ? p : null;
        var alarms = new List<MetricAlarm>();
        foreach (var owned in ownPolicy?.Alarms ?? [])
        {
            if (await store.GetAsync(AlarmRecords.Alarms, AlarmRecords.AlarmId(scope, owned.AlarmName!), cancellationToken).ConfigureAwait(false) is { } alarm)
            {
                alarms.Add(alarm.Value.Alarm);
            }
        }
        return (record, new ExpressProvisionedState(
            balancer?.Value.LoadBalancer, listener?.Value.Listener, group?.Value.TargetGroup, ownTarget, ownPolicy, alarms));
    }
}
