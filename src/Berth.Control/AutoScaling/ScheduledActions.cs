using Berth.Core.Arns;
using Berth.Core.AutoScaling;
using Berth.Core.Errors;
using Berth.Store;

namespace Berth.Control.AutoScaling;

/// <summary>Scheduled actions of registered targets: each sets the target's minimum and maximum capacity at its times.</summary>
public sealed class ScheduledActions(IStateStore store)
{
    public async Task PutAsync(PutScheduledActionRequest request, ResourceScope scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var name = ScalableTargetRules.Require(request.ScheduledActionName, "scheduledActionName");
        if (name.Length > 256 || name.Contains(':', StringComparison.Ordinal) || name.Contains('/', StringComparison.Ordinal))
        {
            throw new ValidationException($"Invalid scheduled action name {name}: at most 256 characters, without ':' or '/'.");
        }
        var (resourceId, _, _) = ScalableTargetRules.Validate(request.ServiceNamespace, request.ResourceId, request.ScalableDimension);
        if (await store.GetAsync(AutoScalingRecords.Targets, AutoScalingRecords.TargetId(scope, resourceId), cancellationToken).ConfigureAwait(false) is null)
        {
            throw ScalingPolicies.NoTarget(resourceId);
        }
        await store.RetryOnConflictAsync(async ct =>
        {
            var current = await store.GetAsync(AutoScalingRecords.ScheduledActions, AutoScalingRecords.ScheduledActionId(scope, resourceId, name), ct).ConfigureAwait(false);
            var existing = current?.Value.Action;
            var schedule = request.Schedule ?? existing?.Schedule ?? throw new ValidationException("Schedule is required for a new scheduled action.");
            ScheduleExpression.Parse(schedule);
            var timezone = request.Timezone ?? existing?.Timezone;
            ScheduleExpression.Zone(timezone);
            var start = request.StartTime ?? existing?.StartTime;
            var end = request.EndTime ?? existing?.EndTime;
            if (start is not null && end is not null && start >= end)
            {
                throw new ValidationException("StartTime must be before EndTime.");
            }
            var action = request.ScalableTargetAction ?? existing?.ScalableTargetAction
                ?? throw new ValidationException("ScalableTargetAction is required for a new scheduled action.");
            if (action.MinCapacity is null && action.MaxCapacity is null)
            {
                throw new ValidationException("ScalableTargetAction must set MinCapacity, MaxCapacity or both.");
            }
            if (action.MinCapacity is < 0 || action.MaxCapacity is < 0 || action.MinCapacity > action.MaxCapacity)
            {
                throw new ValidationException("ScalableTargetAction's capacities must not be negative, and MinCapacity must not exceed MaxCapacity.");
            }
            var scheduled = new ScheduledAction
            {
                ScheduledActionName = name,
                ScheduledActionARN = existing?.ScheduledActionARN
                    ?? $"arn:{scope.Partition}:autoscaling:{scope.Region}:{scope.AccountId}:scheduledAction:{Guid.NewGuid()}:resource/ecs/{resourceId}:scheduledActionName/{name}",
                ServiceNamespace = ScalableTargetRules.Namespace,
                Schedule = schedule,
                Timezone = timezone,
                ResourceId = resourceId,
                ScalableDimension = ScalableTargetRules.Dimension,
                StartTime = start,
                EndTime = end,
                ScalableTargetAction = action,
                CreationTime = existing?.CreationTime ?? now,
            };
            // A changed schedule starts afresh: occurrences before the change are not run late.
            var lastRun = existing?.Schedule == schedule ? current?.Value.LastRun : now;
            await store.CommitAsync([AutoScalingRecords.PutScheduledAction(scope, new ScheduledActionRecord(scheduled, lastRun), current?.Version ?? 0)], ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<DescribeScheduledActionsResponse> DescribeAsync(DescribeScheduledActionsRequest request, ResourceScope scope, CancellationToken cancellationToken)
    {
        var (page, token) = await TargetRecordQuery.PageAsync(store, AutoScalingRecords.ScheduledActions, scope,
            new NamedItemFilter(request.ServiceNamespace, request.ResourceId, request.ScheduledActionNames, request.ScalableDimension, request.MaxResults, request.NextToken),
            r => r.Action, a => (a.ScheduledActionName, a.ScalableDimension), cancellationToken).ConfigureAwait(false);
        return new DescribeScheduledActionsResponse { ScheduledActions = page, NextToken = token };
    }

    public async Task DeleteAsync(DeleteScheduledActionRequest request, ResourceScope scope, CancellationToken cancellationToken)
    {
        var name = ScalableTargetRules.Require(request.ScheduledActionName, "scheduledActionName");
        var (resourceId, _, _) = ScalableTargetRules.Validate(request.ServiceNamespace, request.ResourceId, request.ScalableDimension);
        var current = await store.GetAsync(AutoScalingRecords.ScheduledActions, AutoScalingRecords.ScheduledActionId(scope, resourceId, name), cancellationToken).ConfigureAwait(false)
            ?? throw new ObjectNotFoundException($"No scheduled action found for service namespace: ecs, resource ID: {resourceId}, scalable dimension: {ScalableTargetRules.Dimension}, scheduled action name: {name}");
        await store.CommitAsync([AutoScalingRecords.ScheduledActions.Delete(current)], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes every scheduled action of a target (DeregisterScalableTarget).</summary>
    public async Task DeleteAllAsync(ResourceScope scope, string resourceId, CancellationToken cancellationToken)
    {
        var all = await store.QueryAsync(AutoScalingRecords.ScheduledActions,
            new RecordQuery(AutoScalingRecords.ScheduledActions.Kind, AutoScalingRecords.Scope(scope)) { SortKeyPrefix = AutoScalingRecords.OfTarget(resourceId) }, cancellationToken)
            .ConfigureAwait(false);
        if (all.Count > 0)
        {
            await store.CommitAsync([.. all.Select(a => (RecordWrite)AutoScalingRecords.ScheduledActions.Delete(a))], cancellationToken).ConfigureAwait(false);
        }
    }
}
