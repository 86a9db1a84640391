using Berth.Core.Ecs;
using Berth.Core.Errors;

namespace Berth.Core.Capacity;

/// <summary>
/// How ECS spreads tasks over the providers of a capacity provider strategy (API reference,
/// CapacityProviderStrategyItem): first the <c>base</c> of the one provider that has one is satisfied, then
/// each further task goes by <c>weight</c> ("if capacityProviderA has weight 1 and capacityProviderB has
/// weight 4, then for every 1 task on A, 4 tasks will run on B"); providers of weight 0 place nothing.
/// Counting is over the tasks already there (a service's tasks; none for a RunTask call), so a service
/// keeps its ratio as it scales. Each task goes to the provider furthest below its share, that is the one with
/// the smallest (tasks beyond base + 1) / weight, ties going to the earlier provider of the strategy.
/// </summary>
public static class CapacityProviderDistribution
{
    /// <summary>Throws the InvalidParameterException ECS gives for a strategy that can place nothing.</summary>
    public static void Validate(IReadOnlyList<CapacityProviderStrategyItem> strategy)
    {
        if (strategy.Count == 0)
        {
            throw new InvalidParameterException("The capacity provider strategy must contain at least one capacity provider.");
        }
        if (strategy.Count > 1 && strategy.All(i => (i.Weight ?? 0) == 0))
        {
            throw new InvalidParameterException("At least one capacity provider in a capacity provider strategy must have a weight greater than zero.");
        }
        if (strategy.Select(i => i.CapacityProvider).Distinct(StringComparer.Ordinal).Count() != strategy.Count)
        {
            throw new InvalidParameterException("The capacity provider strategy contains duplicate capacity providers.");
        }
    }

    /// <summary>The provider of each of <paramref name="count"/> new tasks, given the tasks each provider already has.</summary>
    public static IReadOnlyList<string> Assign(
        IReadOnlyList<CapacityProviderStrategyItem> strategy, IReadOnlyDictionary<string, int> existing, int count)
    {
        Validate(strategy);
        var names = strategy.Select(i => i.CapacityProvider!).ToArray();
        var bases = strategy.Select(i => i.Base ?? 0).ToArray();
        // A lone provider of weight 0 still takes every task: it is the only place the strategy names.
        var weights = strategy.Count == 1 ? [1] : strategy.Select(i => i.Weight ?? 0).ToArray();
        var totals = names.Select(n => existing.GetValueOrDefault(n)).ToArray();
        var assigned = new List<string>(count);
        for (var task = 0; task < count; task++)
        {
            var chosen = BelowBase(bases, totals) ?? FurthestBelowShare(weights, bases, totals);
            totals[chosen]++;
            assigned.Add(names[chosen]);
        }
        return assigned;
    }

    /// <summary>Per provider, how many of <paramref name="assigned"/> went to it, in the order first assigned.</summary>
    public static IReadOnlyList<(string Provider, int Count)> Group(IReadOnlyList<string> assigned) =>
        assigned.GroupBy(p => p, StringComparer.Ordinal).Select(g => (g.Key, g.Count())).ToList();

    private static int? BelowBase(int[] bases, int[] totals)
    {
        for (var i = 0; i < bases.Length; i++)
        {
            if (totals[i] < bases[i])
            {
                return i;
            }
        }
        return null;
    }

    private static int FurthestBelowShare(int[] weights, int[] bases, int[] totals)
    {
        var best = -1;
        for (var i = 0; i < weights.Length; i++)
        {
            if (weights[i] == 0)
            {
                continue;
            }
            // (beyond_i + 1) / w_i < (beyond_best + 1) / w_best, compared without division.
            if (best < 0 || (long)(Beyond(i) + 1) * weights[best] < (long)(Beyond(best) + 1) * weights[i])
            {
                best = i;
            }
        }
        return best;

        int Beyond(int i) => Math.Max(0, totals[i] - bases[i]);
    }
}
