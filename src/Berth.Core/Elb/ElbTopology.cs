namespace Berth.Core.Elb;

/// <summary>Listeners and rules, and which load balancers forward to which target groups through them.</summary>
public sealed record ElbTopology(IReadOnlyList<ListenerRecord> Listeners, IReadOnlyList<RuleRecord> Rules)
{
    /// <summary>The load balancers whose listeners or rules forward to <paramref name="targetGroupArn"/>.</summary>
    public IReadOnlyList<string> LoadBalancersOf(string targetGroupArn)
    {
        var listenerToBalancer = Listeners.ToDictionary(l => l.Listener.ListenerArn!, l => l.Listener.LoadBalancerArn!, StringComparer.Ordinal);
        var fromListeners = Listeners
            .Where(l => ForwardsTo(l.Listener.DefaultActions, targetGroupArn))
            .Select(l => l.Listener.LoadBalancerArn!);
        var fromRules = Rules
            .Where(r => ForwardsTo(r.Rule.Actions, targetGroupArn))
            .Select(r => listenerToBalancer.GetValueOrDefault(ListenerArnOf(r.Rule.RuleArn!)))
            .OfType<string>();
        return fromListeners.Concat(fromRules).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>A rule's ARN is its listener's with one more path segment (and "listener-rule" for "listener").</summary>
    public static string ListenerArnOf(string ruleArn) =>
        ruleArn[..ruleArn.LastIndexOf('/')].Replace(":listener-rule/", ":listener/", StringComparison.Ordinal);

    private static bool ForwardsTo(IReadOnlyList<ElbAction>? actions, string targetGroupArn) =>
        actions?.Any(a => ElbActionRules.TargetGroupsOf(a).Any(g => g.TargetGroupArn == targetGroupArn)) == true;
}
