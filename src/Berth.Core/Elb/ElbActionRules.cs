using Berth.Core.Errors;

namespace Berth.Core.Elb;

/// <summary>
/// Listener and rule actions. Berth implements forward actions (one target group, or several with
/// weights); authenticate, redirect and fixed-response actions are refused with a clear error.
/// </summary>
public static class ElbActionRules
{
    public const string Forward = "forward";

    /// <summary>
    /// Checks the actions and returns them as ELB shows them: a forward to a single target group carries
    /// both TargetGroupArn and a ForwardConfig with that group at weight 1, as DescribeListeners returns.
    /// </summary>
    public static IReadOnlyList<ElbAction> Normalize(IReadOnlyList<ElbAction>? actions)
    {
        if (actions is not [var action])
        {
            throw new QueryValidationException("Exactly one action must be specified: Berth supports a single forward action.");
        }
        if (action.Type != Forward)
        {
            throw new QueryUnsupportedException($"Berth supports forward actions only, not '{action.Type}'.");
        }
        var groups = TargetGroupsOf(action);
        if (groups.Count == 0)
        {
            throw new QueryValidationException("A forward action must specify a TargetGroupArn or ForwardConfig.TargetGroups.");
        }
        if (action.TargetGroupArn is { } single && action.ForwardConfig?.TargetGroups is { Count: > 0 } listed &&
            (listed.Count != 1 || listed[0].TargetGroupArn != single))
        {
            throw new QueryValidationException("TargetGroupArn and ForwardConfig.TargetGroups name different target groups.");
        }
        if (groups.Any(g => g.Weight is < 0 or > 999))
        {
            throw new QueryValidationException("Target group weights must be between 0 and 999.");
        }
        if (groups.Select(g => g.TargetGroupArn).Distinct(StringComparer.Ordinal).Count() != groups.Count)
        {
            throw new QueryValidationException("A target group may appear only once in a forward action.");
        }
        var config = new ForwardActionConfig
        {
            TargetGroups = groups.Select(g => new TargetGroupTuple { TargetGroupArn = g.TargetGroupArn, Weight = g.Weight }).ToList(),
            TargetGroupStickinessConfig = new TargetGroupStickinessConfig { Enabled = false },
        };
        return [new ElbAction { Type = Forward, TargetGroupArn = groups.Count == 1 ? groups[0].TargetGroupArn : null, ForwardConfig = config, Order = action.Order ?? 1 }];
    }

    /// <summary>The target groups a forward action names, with their weights (1 when not given).</summary>
    public static IReadOnlyList<WeightedTargetGroup> TargetGroupsOf(ElbAction action)
    {
        if (action.ForwardConfig?.TargetGroups is { Count: > 0 } listed)
        {
            return listed.Select(t => new WeightedTargetGroup(
                t.TargetGroupArn ?? throw new QueryValidationException("Every forwarded target group needs a TargetGroupArn."),
                t.Weight ?? 1)).ToList();
        }
        return action.TargetGroupArn is { } arn ? [new WeightedTargetGroup(arn, 1)] : [];
    }

    public static ForwardTarget ForwardTargetOf(IReadOnlyList<ElbAction>? actions) =>
        new(actions is [var action] ? TargetGroupsOf(action) : []);
}
