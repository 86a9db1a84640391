using Berth.Core.Elb;
using Berth.Store;

namespace Berth.Control.LoadBalancing;

/// <summary>Reads of ELBv2 records that throw the model's NotFound errors, shared by the handlers.</summary>
public sealed class ElbLookup(IStateStore store)
{
    public IStateStore Store => store;

    public async Task<Versioned<LoadBalancerRecord>> LoadBalancerAsync(string? arn, CancellationToken cancellationToken) =>
        (arn is null ? null : await store.GetAsync(ElbRecords.LoadBalancers, arn, cancellationToken).ConfigureAwait(false))
        ?? throw new LoadBalancerNotFoundException($"One or more load balancers not found: '{arn}'.");

    public async Task<Versioned<TargetGroupRecord>> TargetGroupAsync(string? arn, CancellationToken cancellationToken) =>
        (arn is null ? null : await store.GetAsync(ElbRecords.TargetGroups, arn, cancellationToken).ConfigureAwait(false))
        ?? throw new TargetGroupNotFoundException($"One or more target groups not found: '{arn}'.");

    public async Task<Versioned<ListenerRecord>> ListenerAsync(string? arn, CancellationToken cancellationToken) =>
        (arn is null ? null : await store.GetAsync(ElbRecords.Listeners, arn, cancellationToken).ConfigureAwait(false))
        ?? throw new ListenerNotFoundException($"One or more listeners not found: '{arn}'.");

    public async Task<Versioned<RuleRecord>> RuleAsync(string? arn, CancellationToken cancellationToken) =>
        (arn is null ? null : await store.GetAsync(ElbRecords.Rules, arn, cancellationToken).ConfigureAwait(false))
        ?? throw new RuleNotFoundException($"One or more rules not found: '{arn}'.");

    public Task<IReadOnlyList<Versioned<ListenerRecord>>> ListenersOfAsync(string loadBalancerArn, CancellationToken cancellationToken) =>
        store.QueryAsync(ElbRecords.Listeners, new RecordQuery(ElbRecords.Listeners.Kind, loadBalancerArn), cancellationToken);

    public Task<IReadOnlyList<Versioned<RuleRecord>>> RulesOfAsync(string listenerArn, CancellationToken cancellationToken) =>
        store.QueryAsync(ElbRecords.Rules, new RecordQuery(ElbRecords.Rules.Kind, listenerArn), cancellationToken);

    /// <summary>
    /// Every listener and rule of every region: which target groups they forward to is derived at read
    /// time (TargetGroup.LoadBalancerArns, "in use" health), never stored twice.
    /// </summary>
    public async Task<ElbTopology> TopologyAsync(CancellationToken cancellationToken)
    {
        var listeners = await store.QueryAsync(ElbRecords.Listeners, new RecordQuery(ElbRecords.Listeners.Kind, null), cancellationToken).ConfigureAwait(false);
        var rules = await store.QueryAsync(ElbRecords.Rules, new RecordQuery(ElbRecords.Rules.Kind, null), cancellationToken).ConfigureAwait(false);
        return new ElbTopology(listeners.Select(l => l.Value).ToList(), rules.Select(r => r.Value).ToList());
    }
}
