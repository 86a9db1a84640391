using Berth.Core.Elb;
using Berth.Store;

namespace Berth.Control.LoadBalancing;

/// <summary>The writes that delete a listener with everything hanging off it, shared by DeleteListener and DeleteLoadBalancer.</summary>
public static class ElbDeletions
{
    public static async Task<IReadOnlyList<RecordWrite>> ListenerAsync(ElbLookup lookup, Versioned<ListenerRecord> listener, CancellationToken cancellationToken)
    {
        var writes = new List<RecordWrite> { ElbRecords.Listeners.Delete(listener) };
        writes.AddRange(await ClaimAsync(lookup.Store, ElbRecords.PortClaimId(listener.Value.Listener.Port!.Value), cancellationToken).ConfigureAwait(false));
        foreach (var rule in await lookup.RulesOfAsync(listener.Id, cancellationToken).ConfigureAwait(false))
        {
            writes.AddRange(await RuleAsync(lookup.Store, listener.Id, rule, cancellationToken).ConfigureAwait(false));
        }
        return writes;
    }

    public static async Task<IReadOnlyList<RecordWrite>> RuleAsync(IStateStore store, string listenerArn, Versioned<RuleRecord> rule, CancellationToken cancellationToken)
    {
        var writes = new List<RecordWrite> { ElbRecords.Rules.Delete(rule) };
        writes.AddRange(await ClaimAsync(store, ElbRecords.PriorityClaimId(listenerArn, rule.Value.Priority), cancellationToken).ConfigureAwait(false));
        return writes;
    }

    public static async Task<IReadOnlyList<RecordWrite>> ClaimAsync(IStateStore store, string claimId, CancellationToken cancellationToken) =>
        await store.GetAsync(ElbRecords.Claims, claimId, cancellationToken).ConfigureAwait(false) is { } claim
            ? [ElbRecords.Claims.Delete(claim)]
            : [];
}
