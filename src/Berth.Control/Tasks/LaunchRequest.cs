using Berth.Core.Arns;
using Berth.Core.Ecs;
using Berth.Core.Placement;
using Berth.Core.Tasks;

namespace Berth.Control.Tasks;

/// <summary>
/// A placement of <see cref="Count"/> copies waiting in its source's batch (<see cref="TurnBatches{TRequest, TResult}"/>):
/// what <see cref="TaskLauncher"/> was asked by RunTask or a service. <see cref="Continuing"/>: an earlier share of
/// the same request (a capacity provider strategy's) already wrote the client token's record.
/// </summary>
internal sealed record LaunchRequest(
    ResourceScope Scope, Cluster Cluster, TaskLaunch Launch, int Count, IReadOnlyList<PlacementStrategy> Strategies,
    IReadOnlyList<PlacementConstraint> Constraints, TaskLauncher.ClientToken? Token, bool Continuing);
