using Berth.Core.Elb;
using Berth.Core.Errors;
using Berth.Core.Services;
using Berth.Store;

namespace Berth.Control.LoadBalancing;

/// <summary>
/// Rewrites the forward action of the listener rules a blue/green, linear or canary deployment shifts traffic with, as
/// ECS does with ModifyRule on the production and test listener rules. A rule may be a stored rule, a listener's default
/// rule (<c>…/default</c>), or a listener (ECS's productionListenerRule names a listener for a Network Load Balancer);
/// the last two change the listener's default actions. A rule already forwarding as asked is not written, so a
/// scheduling round that changes nothing writes nothing.
/// </summary>
public sealed class ListenerRuleForwards(ElbLookup lookup, ElbChanges changes)
{
    private IStateStore Store => lookup.Store;

    /// <summary>Applies each forward; returns, for each rule that could not be changed, why (as a service event would word it).</summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(IReadOnlyList<ListenerRuleForward> forwards, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        var changed = false;
        foreach (var forward in forwards)
        {
            var actions = ElbActionRules.Normalize(
            [
                new ElbAction
                {
                    Type = ElbActionRules.Forward,
                    ForwardConfig = new ForwardActionConfig
                    {
                        TargetGroups = [.. forward.TargetGroups.Select(g => new TargetGroupTuple { TargetGroupArn = g.TargetGroupArn, Weight = g.Weight })],
                    },
                },
            ]);
            try
            {
                changed |= await Store.RetryOnConflictAsync(ct => WriteAsync(forward.RuleArn, actions, ct), cancellationToken).ConfigureAwait(false);
            }
            catch (QueryServiceException e)
            {
                failures.Add($"failed to modify (listener-rule {forward.RuleArn}) with (error {e.Message})");
            }
        }
        if (changed)
        {
            changes.Notify();
        }
        return failures;
    }

    /// <summary>The actions the rule (or the listener's default rule) has now.</summary>
    /// <exception cref="RuleNotFoundException">No such rule.</exception>
    /// <exception cref="ListenerNotFoundException">No such listener.</exception>
    public static async Task<IReadOnlyList<ElbAction>> ActionsAsync(ElbLookup lookup, string ruleArn, CancellationToken cancellationToken) =>
        ListenerOf(ruleArn) is { } listenerArn
            ? (await lookup.ListenerAsync(listenerArn, cancellationToken).ConfigureAwait(false)).Value.Listener.DefaultActions ?? []
            : (await lookup.RuleAsync(ruleArn, cancellationToken).ConfigureAwait(false)).Value.Rule.Actions ?? [];

    private async Task<bool> WriteAsync(string ruleArn, IReadOnlyList<ElbAction> actions, CancellationToken cancellationToken)
    {
        if (ListenerOf(ruleArn) is { } listenerArn)
        {
            var listener = await lookup.ListenerAsync(listenerArn, cancellationToken).ConfigureAwait(false);
            if (Same(listener.Value.Listener.DefaultActions, actions))
            {
                return false;
            }
            var updated = listener.Value with { Listener = listener.Value.Listener with { DefaultActions = actions } };
            await Store.CommitAsync([ElbRecords.Listeners.Put(listener.Id, updated.Listener.LoadBalancerArn!, listener.SortKey, updated, listener.Version)], cancellationToken).ConfigureAwait(false);
            return true;
        }
        var rule = await lookup.RuleAsync(ruleArn, cancellationToken).ConfigureAwait(false);
        if (Same(rule.Value.Rule.Actions, actions))
        {
            return false;
        }
        var record = rule.Value with { Rule = rule.Value.Rule with { Actions = actions } };
        await Store.CommitAsync([ElbRecords.Rules.Put(rule.Id, ElbTopology.ListenerArnOf(rule.Id), rule.SortKey, record, rule.Version)], cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The listener whose default actions an ARN stands for: a listener's own ARN or its default rule's; null for a stored rule.</summary>
    private static string? ListenerOf(string arn)
    {
        if (arn.Contains(":listener/", StringComparison.Ordinal))
        {
            return arn;
        }
        if (!arn.Contains(":listener-rule/", StringComparison.Ordinal))
        {
            return null;
        }
        var listener = ElbTopology.ListenerArnOf(arn);
        return ElbArns.Rule(listener, "default") == arn ? listener : null;
    }

    private static bool Same(IReadOnlyList<ElbAction>? current, IReadOnlyList<ElbAction> wanted) =>
        current is [var action] && ElbActionRules.ForwardTargetOf([action]).TargetGroups.SequenceEqual(ElbActionRules.ForwardTargetOf(wanted).TargetGroups);
}
