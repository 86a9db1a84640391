using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Placement.Query;
using Berth.Core.Tasks;

namespace Berth.Core.Placement;

/// <summary>
/// Validation of placement strategies and constraints as RunTask, CreateService and UpdateService check them,
/// and the strategies ECS uses when none are given.
/// </summary>
internal static class PlacementRules
{
    /// <summary>RunTask / CreateService: "You can specify a maximum of 5 strategy rules for each task."</summary>
    public const int MaxStrategies = 5;

    /// <summary>
    /// RunTask / CreateService: "You can specify up to 10 constraints for each task (including constraints in the
    /// task definition and those specified at runtime)."
    /// </summary>
    public const int MaxConstraints = 10;

    private const string AttributePrefix = "attribute:";

    private static readonly IReadOnlyList<PlacementStrategy> ServiceDefault =
        [new PlacementStrategy { Type = "spread", Field = "attribute:ecs.availability-zone" }];

    private static readonly IReadOnlyList<PlacementStrategy> StandaloneDefault = [new PlacementStrategy { Type = "random" }];

    /// <summary>
    /// The strategies ECS applies when a request names none. "For tasks running as part of an Amazon ECS
    /// service, the task placement strategy is spread using the attribute:ecs.availability-zone"
    /// (developer guide, "Use strategies to define Amazon ECS task placement"); for RunTask, "you can allow the
    /// default task placement strategy to distribute tasks randomly across your cluster" (developer guide,
    /// "Scheduling Amazon ECS tasks"). Service tasks are those whose group is <c>service:&lt;name&gt;</c>,
    /// the group ECS gives every task the service scheduler starts.
    /// </summary>
    public static IReadOnlyList<PlacementStrategy> DefaultStrategies(string group) =>
        TaskGroups.ServiceNameOf(group) is not null ? ServiceDefault : StandaloneDefault;

    /// <summary>Throws <see cref="InvalidParameterException"/> naming the first strategy that is not valid.</summary>
    public static void ValidateStrategies(IReadOnlyList<PlacementStrategy> strategies) => _ = ToRankingSteps(strategies);

    /// <summary>
    /// Throws <see cref="InvalidParameterException"/> naming the first constraint that is not valid, including
    /// memberOf expressions that do not parse.
    /// </summary>
    public static void ValidateConstraints(IReadOnlyList<PlacementConstraint> constraints) => _ = ParseConstraints(constraints);

    internal static RankingStep[] ToRankingSteps(IReadOnlyList<PlacementStrategy> strategies)
    {
        ArgumentNullException.ThrowIfNull(strategies);
        if (strategies.Count > MaxStrategies)
        {
            throw new InvalidParameterException(
                $"Too many placement strategies: {strategies.Count}. You can specify at most {MaxStrategies}.");
        }
        var steps = new RankingStep[strategies.Count];
        for (var i = 0; i < strategies.Count; i++)
        {
            steps[i] = ToRankingStep(strategies[i]);
        }
        return steps;
    }

    internal static ConstraintSet ParseConstraints(IReadOnlyList<PlacementConstraint> constraints)
    {
        ArgumentNullException.ThrowIfNull(constraints);
        if (constraints.Count > MaxConstraints)
        {
            throw new InvalidParameterException(
                $"Too many placement constraints: {constraints.Count}. You can specify at most {MaxConstraints}.");
        }
        var distinct = false;
        var memberOf = new List<ClusterQuery>();
        foreach (var constraint in constraints)
        {
            switch (constraint.Type)
            {
                case "distinctInstance":
                    // "You cannot specify an expression if the constraint type is distinctInstance."
                    distinct = string.IsNullOrEmpty(constraint.Expression)
                        ? true
                        : throw new InvalidParameterException("A distinctInstance placement constraint cannot have an expression.");
                    break;
                case "memberOf":
                    memberOf.Add(string.IsNullOrWhiteSpace(constraint.Expression)
                        ? throw new InvalidParameterException("A memberOf placement constraint needs an expression.")
                        : ClusterQuery.Parse(constraint.Expression));
                    break;
                default:
                    throw new InvalidParameterException(
                        $"Invalid placement constraint type '{constraint.Type}'. Valid types are distinctInstance and memberOf.");
            }
        }
        return new ConstraintSet(distinct, [.. memberOf]);
    }

    private static RankingStep ToRankingStep(PlacementStrategy strategy) => strategy.Type switch
    {
        "binpack" => strategy.Field switch
        {
            "cpu" => new RankingStep(RankingKind.BinpackCpu),
            "memory" => new RankingStep(RankingKind.BinpackMemory),
            _ => throw new InvalidParameterException(
                $"Invalid field '{strategy.Field}' for the binpack placement strategy. Valid fields are cpu and memory."),
        },
        "spread" => strategy.Field switch
        {
            // "instanceId (or host, which has the same effect)".
            "instanceId" or "host" => new RankingStep(RankingKind.SpreadInstance),
            { Length: > 10 } field when field.StartsWith(AttributePrefix, StringComparison.Ordinal) =>
                new RankingStep(RankingKind.SpreadAttribute, field[AttributePrefix.Length..]),
            _ => throw new InvalidParameterException(
                $"Invalid field '{strategy.Field}' for the spread placement strategy. Valid fields are instanceId, host and attribute:<name>."),
        },
        // "For the random placement strategy, this field is not used."
        "random" => new RankingStep(RankingKind.Random),
        _ => throw new InvalidParameterException(
            $"Invalid placement strategy type '{strategy.Type}'. Valid types are random, spread and binpack."),
    };
}

