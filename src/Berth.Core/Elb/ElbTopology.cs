namespace Berth.Core.Elb;

/// <summary>Listeners and rules, and which load balancers forward to which target groups through them.</summary>
public sealed class ElbTopology(IReadOnlyList<ListenerRecord> listeners, IReadOnlyList<RuleRecord> rules)
{
    private readonly Lazy<ILookup<string, string>> _balancersByGroup = new(() => IndexBalancersByGroup(listeners, rules));

    public IReadOnlyList<ListenerRecord> Listeners => listeners;

    public IReadOnlyList<RuleRecord> Rules => rules;

    /// <summary>The load balancers whose listeners or rules forward to <paramref name="targetGroupArn"/>.</summary>
    public IReadOnlyList<string> LoadBalancersOf(string targetGroupArn) => _balancersByGroup.Value[targetGroupArn].ToList();

    private static ILookup<string, string> IndexBalancersByGroup(IReadOnlyList<ListenerRecord> listeners, IReadOnlyList<RuleRecord> rules)
    {
        var balancerOfListener = listeners.ToDictionary(l => l.Listener.ListenerArn!, l => l.Listener.LoadBalancerArn!, StringComparer.Ordinal);
        var fromListeners = listeners.SelectMany(l => GroupsOf(l.Listener.DefaultActions).Select(g => (Group: g, Balancer: l.Listener.LoadBalancerArn!)));
        var fromRules = rules.SelectMany(r => GroupsOf(r.Rule.Actions)
            .Select(g => (Group: g, Balancer: balancerOfListener.GetValueOrDefault(ListenerArnOf(r.Rule.RuleArn!)))))
            .Where(p => p.Balancer is not null)
            .Select(p => (p.Group, Balancer: p.Balancer!));
        return fromListeners.Concat(fromRules).Distinct().OrderBy(p => p.Balancer, StringComparer.Ordinal).ToLookup(p => p.Group, p => p.Balancer, StringComparer.Ordinal);
    }

    /// <summary>A rule's ARN is its listener's with one more path segment (and "listener-rule" for "listener").</summary>
    public static string ListenerArnOf(string ruleArn) =>
        ruleArn[..ruleArn.LastIndexOf('/')].Replace(":listener-rule/", ":listener/", StringComparison.Ordinal);

    private static IEnumerable<string> GroupsOf(IReadOnlyList<ElbAction>? actions) =>
        (actions ?? []).SelectMany(ElbActionRules.TargetGroupsOf).Select(g => g.TargetGroupArn);
}
