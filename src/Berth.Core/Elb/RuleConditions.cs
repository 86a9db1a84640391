using Berth.Core.Errors;

namespace Berth.Core.Elb;

/// <summary>
/// Rule conditions Berth evaluates: path-pattern and host-header, given either as Values or as their
/// Config (ELB accepts both and shows both). Other condition types are refused with a clear error.
/// </summary>
public static class RuleConditions
{
    public const string PathPatternField = "path-pattern";
    public const string HostHeaderField = "host-header";

    public static IReadOnlyList<RuleCondition> Normalize(IReadOnlyList<RuleCondition>? conditions)
    {
        if (conditions is not { Count: > 0 })
        {
            throw new QueryValidationException("A rule needs at least one condition.");
        }
        // ELB allows at most one host-header and one path-pattern condition per rule.
        if (conditions.GroupBy(c => c.Field).FirstOrDefault(g => g.Count() > 1) is { } repeated)
        {
            throw new QueryValidationException($"A rule can have at most one '{repeated.Key}' condition.");
        }
        return conditions.Select(c =>
        {
            var values = ValuesOf(c);
            if (values.Count == 0 || values.Any(v => v.Length is 0 or > 128))
            {
                throw new QueryValidationException($"Condition '{c.Field}' needs one or more values of 1 to 128 characters.");
            }
            return c.Field switch
            {
                PathPatternField => new RuleCondition { Field = c.Field, Values = values, PathPatternConfig = new PathPatternConditionConfig { Values = values } },
                HostHeaderField => new RuleCondition { Field = c.Field, Values = values, HostHeaderConfig = new HostHeaderConditionConfig { Values = values } },
                _ => throw new QueryUnsupportedException($"Berth supports path-pattern and host-header conditions, not '{c.Field}'."),
            };
        }).ToList();
    }

    public static RoutingRule ToRoutingRule(RuleRecord rule) => new(
        rule.Priority,
        ValuesFor(rule.Rule.Conditions, PathPatternField),
        ValuesFor(rule.Rule.Conditions, HostHeaderField),
        ElbActionRules.ForwardTargetOf(rule.Rule.Actions));

    private static IReadOnlyList<string> ValuesFor(IReadOnlyList<RuleCondition>? conditions, string field) =>
        conditions?.Where(c => c.Field == field).SelectMany(ValuesOf).ToList() ?? [];

    private static IReadOnlyList<string> ValuesOf(RuleCondition condition)
    {
        if (condition.RegexValues is { Count: > 0 } || condition.PathPatternConfig?.RegexValues is { Count: > 0 } || condition.HostHeaderConfig?.RegexValues is { Count: > 0 })
        {
            throw new QueryUnsupportedException("Berth does not support regex conditions yet.");
        }
        return condition.Values is { Count: > 0 } values ? values
            : condition.PathPatternConfig?.Values ?? condition.HostHeaderConfig?.Values ?? [];
    }
}
