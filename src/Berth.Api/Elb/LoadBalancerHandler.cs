using Berth.Api.Protocol;
using Berth.Api.Query;
using Berth.Control.LoadBalancing;
using Berth.Core.Elb;
using Berth.Store;

namespace Berth.Api.Elb;

/// <summary>CreateLoadBalancer, DescribeLoadBalancers, DeleteLoadBalancer.</summary>
internal sealed class LoadBalancerHandler(ElbLookup lookup, ElbChanges changes, Random random)
{
    private IStateStore Store => lookup.Store;

    public void Register(QueryService service) => service
        .Add<CreateLoadBalancerInput, CreateLoadBalancerOutput>(CreateAsync)
        .Add<DescribeLoadBalancersInput, DescribeLoadBalancersOutput>(DescribeAsync)
        .Add<DeleteLoadBalancerInput, DeleteLoadBalancerOutput>(DeleteAsync);

    /// <summary>Idempotent on the name, as ELB is: creating an existing load balancer returns it.</summary>
    private async Task<CreateLoadBalancerOutput> CreateAsync(CreateLoadBalancerInput request, RequestContext context, CancellationToken cancellationToken)
    {
        var prefix = ElbArns.Prefix(context.Scope);
        ElbNames.Validate(request.Name, "load balancer");
        if (request.Name!.StartsWith("internal-", StringComparison.OrdinalIgnoreCase))
        {
            throw new Berth.Core.Errors.QueryValidationException("A load balancer name cannot begin with 'internal-'.");
        }
        var balancer = LoadBalancerRules.NewLoadBalancer(request, context.Scope, ElbArns.NewId(random), context.Now);
        var claimId = ElbRecords.NameClaimId(prefix, "loadbalancer", request.Name);
        var result = await Store.RetryOnConflictAsync(async ct =>
        {
            if (await Store.GetAsync(ElbRecords.Claims, claimId, ct).ConfigureAwait(false) is { } claim)
            {
                return (await lookup.LoadBalancerAsync(claim.Value.OwnerArn, ct).ConfigureAwait(false)).Value.LoadBalancer;
            }
            await Store.CommitAsync(
            [
                ElbRecords.LoadBalancers.Put(balancer.LoadBalancerArn!, prefix, balancer.LoadBalancerName!, new LoadBalancerRecord(balancer, request.Tags ?? []), 0),
                ElbRecords.Claim(claimId, balancer.LoadBalancerArn!),
            ], ct).ConfigureAwait(false);
            return balancer;
        }, cancellationToken).ConfigureAwait(false);
        return new CreateLoadBalancerOutput { LoadBalancers = [result] };
    }

    private async Task<DescribeLoadBalancersOutput> DescribeAsync(DescribeLoadBalancersInput request, RequestContext context, CancellationToken cancellationToken)
    {
        var prefix = ElbArns.Prefix(context.Scope);
        var all = await Store.QueryAsync(ElbRecords.LoadBalancers, new RecordQuery(ElbRecords.LoadBalancers.Kind, prefix), cancellationToken).ConfigureAwait(false);
        var balancers = all.Select(b => b.Value.LoadBalancer).ToList();
        if (request.LoadBalancerArns is { Count: > 0 } arns)
        {
            balancers = ElbSelection.Require(balancers, arns, b => b.LoadBalancerArn!, missing => new LoadBalancerNotFoundException($"One or more load balancers not found: {missing}"));
        }
        if (request.Names is { Count: > 0 } names)
        {
            balancers = ElbSelection.Require(balancers, names, b => b.LoadBalancerName!, missing => new LoadBalancerNotFoundException($"Load balancers '[{missing}]' not found"));
        }
        return new DescribeLoadBalancersOutput { LoadBalancers = balancers };
    }

    /// <summary>Deletes the load balancer with its listeners and their rules; deleting one that is gone succeeds, as at ELB.</summary>
    private async Task<DeleteLoadBalancerOutput> DeleteAsync(DeleteLoadBalancerInput request, RequestContext context, CancellationToken cancellationToken)
    {
        await Store.RetryOnConflictAsync(async ct =>
        {
            if (request.LoadBalancerArn is not { } arn || await Store.GetAsync(ElbRecords.LoadBalancers, arn, ct).ConfigureAwait(false) is not { } current)
            {
                return 0;
            }
            var writes = new List<RecordWrite> { ElbRecords.LoadBalancers.Delete(current) };
            writes.AddRange(await ElbDeletions.ClaimAsync(Store, ElbRecords.NameClaimId(ElbArns.Prefix(context.Scope), "loadbalancer", current.SortKey), ct).ConfigureAwait(false));
            foreach (var listener in await lookup.ListenersOfAsync(arn, ct).ConfigureAwait(false))
            {
                writes.AddRange(await ElbDeletions.ListenerAsync(lookup, listener, ct).ConfigureAwait(false));
            }
            await Store.CommitAsync(writes, ct).ConfigureAwait(false);
            return writes.Count;
        }, cancellationToken).ConfigureAwait(false);
        changes.Notify();
        return new DeleteLoadBalancerOutput();
    }
}
