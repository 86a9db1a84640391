using Berth.Api.Protocol;
using Berth.Api.Query;
using Berth.Control.LoadBalancing;
using Berth.Core.Elb;
using Berth.Store;

namespace Berth.Api.Elb;

/// <summary>CreateListener, DescribeListeners, DeleteListener. Each listener is served on 127.0.0.1:{port}.</summary>
internal sealed class ListenerHandler(ElbLookup lookup, ElbChanges changes, Random random)
{
    private IStateStore Store => lookup.Store;

    public void Register(QueryService service) => service
        .Add<CreateListenerInput, CreateListenerOutput>(CreateAsync)
        .Add<DescribeListenersInput, DescribeListenersOutput>(DescribeAsync)
        .Add<DeleteListenerInput, DeleteListenerOutput>(DeleteAsync);

    private async Task<CreateListenerOutput> CreateAsync(CreateListenerInput request, RequestContext context, CancellationToken cancellationToken)
    {
        if (request.Protocol is not "HTTP")
        {
            throw new Berth.Core.Errors.QueryUnsupportedException($"Berth's listeners speak HTTP; protocol {request.Protocol ?? "(none)"} is not supported yet.");
        }
        if (request.Port is not (>= 1 and <= 65535) || request.Port is not { } port)
        {
            throw new Berth.Core.Errors.QueryValidationException("Port must be between 1 and 65535.");
        }
        var actions = ElbActionRules.Normalize(request.DefaultActions);
        var listener = await Store.RetryOnConflictAsync(async ct =>
        {
            var balancer = await lookup.LoadBalancerAsync(request.LoadBalancerArn, ct).ConfigureAwait(false);
            await RequireTargetGroupsAsync(lookup, actions, ct).ConfigureAwait(false);
            if (await Store.GetAsync(ElbRecords.Claims, ElbRecords.PortClaimId(port), ct).ConfigureAwait(false) is not null)
            {
                throw new DuplicateListenerException(
                    $"A listener already exists on port {port}: Berth serves every listener on 127.0.0.1, so ports are unique across load balancers.");
            }
            var created = new Listener
            {
                ListenerArn = ElbArns.Listener(balancer.Id, ElbArns.NewId(random)),
                LoadBalancerArn = balancer.Id,
                Port = port,
                Protocol = request.Protocol,
                DefaultActions = actions,
            };
            await Store.CommitAsync(
            [
                ElbRecords.Listeners.Put(created.ListenerArn, balancer.Id, ElbRecords.PortSortKey(port), new ListenerRecord(created, request.Tags ?? []), 0),
                ElbRecords.Claim(ElbRecords.PortClaimId(port), created.ListenerArn),
            ], ct).ConfigureAwait(false);
            return created;
        }, cancellationToken).ConfigureAwait(false);
        changes.Notify();
        return new CreateListenerOutput { Listeners = [listener] };
    }

    private async Task<DescribeListenersOutput> DescribeAsync(DescribeListenersInput request, RequestContext context, CancellationToken cancellationToken)
    {
        if (request.ListenerArns is { Count: > 0 } arns)
        {
            var found = new List<Listener>();
            foreach (var arn in arns.Distinct(StringComparer.Ordinal))
            {
                found.Add((await lookup.ListenerAsync(arn, cancellationToken).ConfigureAwait(false)).Value.Listener);
            }
            return new DescribeListenersOutput { Listeners = found };
        }
        if (request.LoadBalancerArn is null)
        {
            throw new Berth.Core.Errors.QueryValidationException("You must specify either listener ARNs or a load balancer ARN.");
        }
        var balancer = await lookup.LoadBalancerAsync(request.LoadBalancerArn, cancellationToken).ConfigureAwait(false);
        var listeners = await lookup.ListenersOfAsync(balancer.Id, cancellationToken).ConfigureAwait(false);
        return new DescribeListenersOutput { Listeners = listeners.Select(l => l.Value.Listener).ToList() };
    }

    private async Task<DeleteListenerOutput> DeleteAsync(DeleteListenerInput request, RequestContext context, CancellationToken cancellationToken)
    {
        await Store.RetryOnConflictAsync(async ct =>
        {
            var listener = await lookup.ListenerAsync(request.ListenerArn, ct).ConfigureAwait(false);
            await Store.CommitAsync(await ElbDeletions.ListenerAsync(lookup, listener, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
            return 0;
        }, cancellationToken).ConfigureAwait(false);
        changes.Notify();
        return new DeleteListenerOutput();
    }

    /// <summary>Every target group an action forwards to must exist (TargetGroupNotFound otherwise).</summary>
    internal static async Task RequireTargetGroupsAsync(ElbLookup lookup, IReadOnlyList<ElbAction> actions, CancellationToken cancellationToken)
    {
        foreach (var group in actions.SelectMany(ElbActionRules.TargetGroupsOf))
        {
            await lookup.TargetGroupAsync(group.TargetGroupArn, cancellationToken).ConfigureAwait(false);
        }
    }
}
