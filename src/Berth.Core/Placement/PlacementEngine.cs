using Berth.Core.Ecs;

namespace Berth.Core.Placement;

/// <summary>
/// ECS task placement as a pure function. For each copy, in order: the feasibility filters (ACTIVE, agent
/// connected, required attributes, CPU, memory, TCP and UDP host ports, memberOf, distinctInstance), then the
/// strategies in the order given, each narrowing the candidates the previous one left, then the lowest
/// ContainerInstanceArn. This is ECS's documented process: "identify the instances that satisfy the CPU,
/// memory, and port requirements ... the task placement constraints ... the task placement strategies ...
/// select the instances for task placement" (developer guide, "Amazon ECS task placement").
/// </summary>
public static class PlacementEngine
{
    internal static readonly PlacementPlan Nothing = new([], []);

    /// <summary>
    /// Places <see cref="PlacementRequest.Count"/> copies one after another, each seeing the ones before it. When
    /// a copy finds no instance, it and every copy after it fail the same way (RunTask returns one failure per
    /// task it could not place). Throws <see cref="Errors.InvalidParameterException"/> for an invalid strategy
    /// or constraint. An empty strategy list means ECS's default (<see cref="PlacementRules.DefaultStrategies"/>).
    /// </summary>
    public static PlacementPlan Place(ClusterSnapshot snapshot, PlacementRequest request, Random random)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(random);
        if (Parse(request) is not var (steps, constraints))
        {
            return Nothing;
        }
        return PlaceCopies(PlacementWorkspace.Create(snapshot, request, steps, constraints), request.Count, random);
    }

    /// <summary>The strategies and constraints of <paramref name="request"/>, validated; null when it places nothing.</summary>
    internal static (RankingStep[] Steps, ConstraintSet Constraints)? Parse(PlacementRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var strategies = request.Strategies.Count == 0 ? PlacementRules.DefaultStrategies(request.Group) : request.Strategies;
        var steps = PlacementRules.ToRankingSteps(strategies);
        var constraints = PlacementRules.ParseConstraints(request.Constraints);
        return request.Count <= 0 ? null : (steps, constraints);
    }

    /// <summary>Places <paramref name="count"/> copies on <paramref name="workspace"/>, each seeing the ones before it.</summary>
    internal static PlacementPlan PlaceCopies(PlacementWorkspace workspace, int count, Random random)
    {
        if (workspace.InstanceCount == 0)
        {
            return new PlacementPlan([], Repeat(new Failure { Reason = PlacementFailureReasons.NoContainerInstances }, count));
        }
        var placements = new List<TaskPlacement>(count);
        for (var copy = 0; copy < count; copy++)
        {
            var chosen = workspace.Choose(random);
            if (chosen < 0)
            {
                return new PlacementPlan(placements, Repeat(workspace.ClosestFailure(), count - copy));
            }
            placements.Add(workspace.Place(chosen));
        }
        return new PlacementPlan(placements, []);
    }

    private static Failure[] Repeat(Failure failure, int count)
    {
        var failures = new Failure[count];
        Array.Fill(failures, failure);
        return failures;
    }
}
