namespace Berth.Core.Elb;

/// <summary>
/// What a listener does with a request: its rules in priority order, then its default actions. Built
/// from stored listeners and rules; immutable, so the data plane swaps it whole when they change.
/// </summary>
public sealed record ListenerRouting(IReadOnlyList<RoutingRule> Rules, ForwardTarget DefaultAction)
{
    /// <summary>The first rule (lowest priority number) whose every condition matches wins; otherwise the default.</summary>
    public ForwardTarget Route(string host, string path) => Match(host, path)?.Action ?? DefaultAction;

    /// <summary>Every target group some rule or the default action forwards to.</summary>
    public IEnumerable<string> TargetGroupArns =>
        Rules.Select(r => r.Action).Append(DefaultAction).SelectMany(a => a.TargetGroups).Select(g => g.TargetGroupArn).Distinct(StringComparer.Ordinal);

    /// <summary>The rule that wins, or null when the default actions apply.</summary>
    public RoutingRule? Match(string host, string path)
    {
        foreach (var rule in Rules)
        {
            if (rule.Matches(host, path))
            {
                return rule;
            }
        }
        return null;
    }
}

/// <summary>
/// One rule: every condition must match (AND); within a condition any value may (OR).
/// </summary>
public sealed record RoutingRule(int Priority, IReadOnlyList<string> PathPatterns, IReadOnlyList<string> HostPatterns, ForwardTarget Action)
{
    public bool Matches(string host, string path) =>
        (PathPatterns.Count == 0 || PathPatterns.Any(p => PathPattern.Matches(p, path))) &&
        (HostPatterns.Count == 0 || HostPatterns.Any(p => PathPattern.Matches(p, StripPort(host), ignoreCase: true)));

    /// <summary>The Host header may carry a port; host-header conditions compare the name alone.</summary>
    private static string StripPort(string host)
    {
        var colon = host.LastIndexOf(':');
        return colon > 0 && !host.EndsWith(']') ? host[..colon] : host;
    }
}

/// <summary>
/// A forward action: one target group, or several with weights (a weighted forward). ELB sends each
/// request to one group with probability weight / total weight.
/// </summary>
public sealed record ForwardTarget(IReadOnlyList<WeightedTargetGroup> TargetGroups)
{
    private int TotalWeight => TargetGroups.Sum(g => g.Weight);

    /// <summary>
    /// The group for a request; <paramref name="randomBelow"/>(n) is a uniform random number in [0, n).
    /// When every weight is 0 Berth shares requests equally rather than dropping them.
    /// </summary>
    public string Pick(Func<int, int> randomBelow)
    {
        if (TargetGroups.Count == 1)
        {
            return TargetGroups[0].TargetGroupArn;
        }
        var total = TotalWeight;
        if (total == 0)
        {
            return TargetGroups[randomBelow(TargetGroups.Count)].TargetGroupArn;
        }
        var ticket = randomBelow(total);
        foreach (var group in TargetGroups)
        {
            if (ticket < group.Weight)
            {
                return group.TargetGroupArn;
            }
            ticket -= group.Weight;
        }
        return TargetGroups[^1].TargetGroupArn;
    }
}

public sealed record WeightedTargetGroup(string TargetGroupArn, int Weight);
