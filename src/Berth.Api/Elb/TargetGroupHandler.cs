using Berth.Api.Protocol;
using Berth.Api.Query;
using Berth.Control.LoadBalancing;
using Berth.Core.Elb;
using Berth.Store;

namespace Berth.Api.Elb;

/// <summary>
/// CreateTargetGroup, DescribeTargetGroups, ModifyTargetGroup, Describe/ModifyTargetGroupAttributes,
/// DeleteTargetGroup.
/// </summary>
internal sealed class TargetGroupHandler(ElbLookup lookup, ElbChanges changes, Random random)
{
    private IStateStore Store => lookup.Store;

    public void Register(QueryService service) => service
        .Add<CreateTargetGroupInput, CreateTargetGroupOutput>(CreateAsync)
        .Add<DescribeTargetGroupsInput, DescribeTargetGroupsOutput>(DescribeAsync)
        .Add<ModifyTargetGroupInput, ModifyTargetGroupOutput>(ModifyAsync)
        .Add<DescribeTargetGroupAttributesInput, DescribeTargetGroupAttributesOutput>(DescribeAttributesAsync)
        .Add<ModifyTargetGroupAttributesInput, ModifyTargetGroupAttributesOutput>(ModifyAttributesAsync)
        .Add<DeleteTargetGroupInput, DeleteTargetGroupOutput>(DeleteAsync);

    /// <summary>Idempotent on the name, as ELB is: creating an existing target group returns it.</summary>
    private async Task<CreateTargetGroupOutput> CreateAsync(CreateTargetGroupInput request, RequestContext context, CancellationToken cancellationToken)
    {
        var prefix = ElbArns.Prefix(context.Scope);
        var group = TargetGroupRules.NewTargetGroup(request, ElbArns.TargetGroup(context.Scope, request.Name ?? "", ElbArns.NewId(random)));
        var claimId = ElbRecords.NameClaimId(prefix, "targetgroup", group.TargetGroupName!);
        var result = await Store.RetryOnConflictAsync(async ct =>
        {
            if (await Store.GetAsync(ElbRecords.Claims, claimId, ct).ConfigureAwait(false) is { } claim)
            {
                return (await lookup.TargetGroupAsync(claim.Value.OwnerArn, ct).ConfigureAwait(false)).Value.TargetGroup;
            }
            var record = new TargetGroupRecord(group, TargetGroupAttributes.Defaults, [], request.Tags ?? []);
            await Store.CommitAsync(
            [
                ElbRecords.TargetGroups.Put(group.TargetGroupArn!, prefix, group.TargetGroupName!, record, 0),
                ElbRecords.Claim(claimId, group.TargetGroupArn!),
            ], ct).ConfigureAwait(false);
            return group;
        }, cancellationToken).ConfigureAwait(false);
        return new CreateTargetGroupOutput { TargetGroups = [result] };
    }

    private async Task<DescribeTargetGroupsOutput> DescribeAsync(DescribeTargetGroupsInput request, RequestContext context, CancellationToken cancellationToken)
    {
        var all = await Store.QueryAsync(ElbRecords.TargetGroups, new RecordQuery(ElbRecords.TargetGroups.Kind, ElbArns.Prefix(context.Scope)), cancellationToken).ConfigureAwait(false);
        var topology = await lookup.TopologyAsync(cancellationToken).ConfigureAwait(false);
        var groups = all.Select(g => g.Value.TargetGroup with { LoadBalancerArns = topology.LoadBalancersOf(g.Id) }).ToList();
        if (request.TargetGroupArns is { Count: > 0 } arns)
        {
            groups = ElbSelection.Require(groups, arns, g => g.TargetGroupArn!, missing => new TargetGroupNotFoundException($"One or more target groups not found: {missing}"));
        }
        if (request.Names is { Count: > 0 } names)
        {
            groups = ElbSelection.Require(groups, names, g => g.TargetGroupName!, missing => new TargetGroupNotFoundException($"One or more target groups not found: {missing}"));
        }
        if (request.LoadBalancerArn is { } balancer)
        {
            await lookup.LoadBalancerAsync(balancer, cancellationToken).ConfigureAwait(false);
            groups = groups.Where(g => g.LoadBalancerArns!.Contains(balancer)).ToList();
        }
        return new DescribeTargetGroupsOutput { TargetGroups = groups };
    }

    private async Task<ModifyTargetGroupOutput> ModifyAsync(ModifyTargetGroupInput request, RequestContext context, CancellationToken cancellationToken)
    {
        var changed = await ChangeAsync(request.TargetGroupArn, r => r with { TargetGroup = TargetGroupRules.Modify(r.TargetGroup, request) }, cancellationToken).ConfigureAwait(false);
        var topology = await lookup.TopologyAsync(cancellationToken).ConfigureAwait(false);
        return new ModifyTargetGroupOutput { TargetGroups = [changed.TargetGroup with { LoadBalancerArns = topology.LoadBalancersOf(changed.TargetGroup.TargetGroupArn!) }] };
    }

    private async Task<DescribeTargetGroupAttributesOutput> DescribeAttributesAsync(
        DescribeTargetGroupAttributesInput request, RequestContext context, CancellationToken cancellationToken)
    {
        var group = await lookup.TargetGroupAsync(request.TargetGroupArn, cancellationToken).ConfigureAwait(false);
        return new DescribeTargetGroupAttributesOutput { Attributes = AttributesOf(group.Value) };
    }

    private async Task<ModifyTargetGroupAttributesOutput> ModifyAttributesAsync(
        ModifyTargetGroupAttributesInput request, RequestContext context, CancellationToken cancellationToken)
    {
        var changed = await ChangeAsync(request.TargetGroupArn,
            r => r with { Attributes = TargetGroupAttributes.Apply(r.Attributes, request.Attributes ?? []) }, cancellationToken).ConfigureAwait(false);
        return new ModifyTargetGroupAttributesOutput { Attributes = AttributesOf(changed) };
    }

    /// <summary>A target group that a listener or rule forwards to cannot be deleted; deleting one that is gone succeeds.</summary>
    private async Task<DeleteTargetGroupOutput> DeleteAsync(DeleteTargetGroupInput request, RequestContext context, CancellationToken cancellationToken)
    {
        await Store.RetryOnConflictAsync(async ct =>
        {
            if (request.TargetGroupArn is not { } arn || await Store.GetAsync(ElbRecords.TargetGroups, arn, ct).ConfigureAwait(false) is not { } current)
            {
                return 0;
            }
            var topology = await lookup.TopologyAsync(ct).ConfigureAwait(false);
            if (topology.LoadBalancersOf(arn).Count > 0)
            {
                throw new ResourceInUseException($"Target group '{arn}' is currently in use by a listener or a rule");
            }
            var claim = ElbRecords.NameClaimId(ElbArns.PrefixOf(arn), "targetgroup", current.SortKey);
            await Store.CommitAsync([ElbRecords.TargetGroups.Delete(current), .. await ElbDeletions.ClaimAsync(Store, claim, ct).ConfigureAwait(false)], ct).ConfigureAwait(false);
            return 1;
        }, cancellationToken).ConfigureAwait(false);
        changes.Notify();
        return new DeleteTargetGroupOutput();
    }

    private async Task<TargetGroupRecord> ChangeAsync(string? arn, Func<TargetGroupRecord, TargetGroupRecord> change, CancellationToken cancellationToken)
    {
        var changed = await Store.RetryOnConflictAsync(async ct =>
        {
            var current = await lookup.TargetGroupAsync(arn, ct).ConfigureAwait(false);
            var next = change(current.Value);
            await Store.CommitAsync([ElbRecords.TargetGroups.Put(current.Id, ElbArns.PrefixOf(current.Id), current.SortKey, next, current.Version)], ct).ConfigureAwait(false);
            return next;
        }, cancellationToken).ConfigureAwait(false);
        changes.Notify();
        return changed;
    }

    private static List<TargetGroupAttribute> AttributesOf(TargetGroupRecord record) =>
        record.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => new TargetGroupAttribute { Key = a.Key, Value = a.Value }).ToList();
}
