using System.Globalization;
using Berth.Core.Arns;
using Berth.Core.AutoScaling;
using Berth.Core.Errors;
using Berth.Core.Services;
using Berth.Store;

namespace Berth.Control.AutoScaling;

/// <summary>
/// Scalable targets (ECS services' desired counts), their tags and their scaling activities. Registering a target moves
/// the service's desired count into its range; deregistering it deletes its scaling policies (with their alarms) and
/// scheduled actions, as Application Auto Scaling does.
/// </summary>
public sealed class ScalableTargets(IStateStore store, ScalingPolicies policies, ScheduledActions scheduled, ScalingEngine engine)
{
    public async Task<string> RegisterAsync(RegisterScalableTargetRequest request, ResourceScope scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (resourceId, cluster, service) = ScalableTargetRules.Validate(request.ServiceNamespace, request.ResourceId, request.ScalableDimension);
        var registered = await store.RetryOnConflictAsync(async ct =>
        {
            var current = await store.GetAsync(AutoScalingRecords.Targets, AutoScalingRecords.TargetId(scope, resourceId), ct).ConfigureAwait(false);
            if (current is null)
            {
                await RequireServiceAsync(scope, cluster, service, ct).ConfigureAwait(false);
            }
            var (min, max) = ScalableTargetRules.Capacity(request.MinCapacity, request.MaxCapacity, current?.Value.Target);
            var existing = current?.Value.Target;
            var target = new ScalableTarget
            {
                ServiceNamespace = ScalableTargetRules.Namespace,
                ResourceId = resourceId,
                ScalableDimension = ScalableTargetRules.Dimension,
                MinCapacity = min,
                MaxCapacity = max,
                RoleARN = request.RoleARN ?? existing?.RoleARN ?? $"arn:{scope.Partition}:iam::{scope.AccountId}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService",
                CreationTime = existing?.CreationTime ?? now,
                SuspendedState = Suspended(request.SuspendedState, existing?.SuspendedState),
                ScalableTargetARN = existing?.ScalableTargetARN ?? ScalableTargetRules.TargetArn(scope, Guid.NewGuid()),
            };
            var tags = current is null ? ScalableTargetRules.Tags(request.Tags, new Dictionary<string, string>()) : current.Value.Tags;
            await store.CommitAsync([AutoScalingRecords.PutTarget(scope, new ScalableTargetRecord(target, tags), current?.Version ?? 0)], ct).ConfigureAwait(false);
            return target;
        }, cancellationToken).ConfigureAwait(false);
        await engine.MoveIntoRangeAsync(scope, resourceId, registered.MinCapacity!.Value, registered.MaxCapacity!.Value, now, cancellationToken).ConfigureAwait(false);
        return registered.ScalableTargetARN!;
    }

    public async Task<DescribeScalableTargetsResponse> DescribeAsync(DescribeScalableTargetsRequest request, ResourceScope scope, CancellationToken cancellationToken)
    {
        ScalableTargetRules.CheckNamespace(request.ServiceNamespace);
        var all = await store.QueryAsync(AutoScalingRecords.Targets, new RecordQuery(AutoScalingRecords.Targets.Kind, AutoScalingRecords.Scope(scope)), cancellationToken)
            .ConfigureAwait(false);
        var matching = all
            .Where(t => request.ResourceIds is not { Count: > 0 } ids || ids.Contains(t.Value.Target.ResourceId!))
            .Where(t => request.ScalableDimension is null || t.Value.Target.ScalableDimension == request.ScalableDimension)
            .Select(t => (t.SortKey, t.Value.Target))
            .ToList();
        var (page, token) = AutoScalingPaging.Page(matching, request.MaxResults, request.NextToken);
        return new DescribeScalableTargetsResponse { ScalableTargets = page, NextToken = token };
    }

    public async Task DeregisterAsync(DeregisterScalableTargetRequest request, ResourceScope scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (resourceId, _, _) = ScalableTargetRules.Validate(request.ServiceNamespace, request.ResourceId, request.ScalableDimension);
        var target = await FindAsync(scope, resourceId, cancellationToken).ConfigureAwait(false)
            ?? throw ScalingPolicies.NoTarget(resourceId);
        await policies.DeleteAllAsync(scope, resourceId, now, cancellationToken).ConfigureAwait(false);
        await scheduled.DeleteAllAsync(scope, resourceId, cancellationToken).ConfigureAwait(false);
        await store.CommitAsync([AutoScalingRecords.Targets.Delete(target)], cancellationToken).ConfigureAwait(false);
    }

    public Task<Versioned<ScalableTargetRecord>?> FindAsync(ResourceScope scope, string resourceId, CancellationToken cancellationToken) =>
        store.GetAsync(AutoScalingRecords.Targets, AutoScalingRecords.TargetId(scope, resourceId), cancellationToken);

    public async Task<DescribeScalingActivitiesResponse> ActivitiesAsync(DescribeScalingActivitiesRequest request, ResourceScope scope, CancellationToken cancellationToken)
    {
        ScalableTargetRules.CheckNamespace(request.ServiceNamespace);
        var all = await TargetRecordQuery.ReadAsync(store, AutoScalingRecords.Activities, scope, request.ResourceId, cancellationToken).ConfigureAwait(false);
        // Newest first, as Application Auto Scaling lists them; the token is the start time and id of the last one answered.
        var matching = all
            .Where(a => request.IncludeNotScaledActivities == true || a.Value.NotScaledReasons is not { Count: > 0 })
            .OrderByDescending(a => a.Value.StartTime).ThenByDescending(a => a.Value.ActivityId, StringComparer.Ordinal)
            .Select((a, i) => (Key: i.ToString("D10", CultureInfo.InvariantCulture), a.Value))
            .ToList();
        var (page, token) = AutoScalingPaging.Page(matching, request.MaxResults, request.NextToken);
        return new DescribeScalingActivitiesResponse { ScalingActivities = page, NextToken = token };
    }

    public async Task<IReadOnlyDictionary<string, string>> TagsAsync(string? arn, ResourceScope scope, CancellationToken cancellationToken) =>
        (await TaggedAsync(arn, scope, cancellationToken).ConfigureAwait(false)).Value.Tags;

    public Task TagAsync(string? arn, IReadOnlyDictionary<string, string>? tags, ResourceScope scope, CancellationToken cancellationToken) =>
        RetagAsync(arn, scope, existing => ScalableTargetRules.Tags(tags is { Count: > 0 } t ? t : throw new ValidationException("Tags must not be empty."), existing),
            cancellationToken);

    public Task UntagAsync(string? arn, IReadOnlyList<string>? keys, ResourceScope scope, CancellationToken cancellationToken)
    {
        var removed = keys ?? throw new ValidationException("TagKeys must not be empty.");
        return RetagAsync(arn, scope, existing => existing.Where(t => !removed.Contains(t.Key)).ToDictionary(StringComparer.Ordinal), cancellationToken);
    }

    private async Task RetagAsync(string? arn, ResourceScope scope, Func<IReadOnlyDictionary<string, string>, IReadOnlyDictionary<string, string>> change,
        CancellationToken cancellationToken) =>
        await store.RetryOnConflictAsync(async ct =>
        {
            var target = await TaggedAsync(arn, scope, ct).ConfigureAwait(false);
            await store.CommitAsync([AutoScalingRecords.PutTarget(scope, target.Value with { Tags = change(target.Value.Tags) }, target.Version)], ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>Tags belong to scalable targets, named by their ARN.</summary>
    private async Task<Versioned<ScalableTargetRecord>> TaggedAsync(string? arn, ResourceScope scope, CancellationToken cancellationToken)
    {
        var given = ScalableTargetRules.Require(arn, "resourceARN");
        if (!ScalableTargetRules.IsTargetArn(scope, given))
        {
            throw new ValidationException($"Invalid ResourceARN {given}: Berth tags scalable targets (arn:aws:application-autoscaling:REGION:ACCOUNT:scalable-target/ID).");
        }
        var all = await store.QueryAsync(AutoScalingRecords.Targets, new RecordQuery(AutoScalingRecords.Targets.Kind, AutoScalingRecords.Scope(scope)), cancellationToken)
            .ConfigureAwait(false);
        return all.FirstOrDefault(t => t.Value.Target.ScalableTargetARN == given) ?? throw new ResourceNotFoundException($"No scalable target found for ARN {given}.");
    }

    private async Task RequireServiceAsync(ResourceScope scope, string cluster, string service, CancellationToken cancellationToken)
    {
        var record = await store.GetAsync(EcsRecords.Services, scope.ServiceArn(cluster, service), cancellationToken).ConfigureAwait(false);
        if (record is null || record.Value.Service.Status != ServiceStatuses.Active)
        {
            throw new ValidationException($"ECS service doesn't exist: service/{cluster}/{service}");
        }
    }

    private static SuspendedState Suspended(SuspendedState? given, SuspendedState? existing) => new()
    {
        DynamicScalingInSuspended = given?.DynamicScalingInSuspended ?? existing?.DynamicScalingInSuspended ?? false,
        DynamicScalingOutSuspended = given?.DynamicScalingOutSuspended ?? existing?.DynamicScalingOutSuspended ?? false,
        ScheduledScalingSuspended = given?.ScheduledScalingSuspended ?? existing?.ScheduledScalingSuspended ?? false,
    };
}
