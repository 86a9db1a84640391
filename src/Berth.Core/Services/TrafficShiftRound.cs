using Berth.Core.Ecs;
using Berth.Core.Elb;

namespace Berth.Core.Services;

/// <summary>
/// The planner's part of BLUE_GREEN, LINEAR and CANARY deployments — no second scheduler, the same round as rolling
/// ones with three differences while a shift runs: green (the PRIMARY) starts at its full desired count whatever
/// maximumPercent says, its tasks register in the other target groups than production's, and blue (the older
/// deployments) is neither drained nor replaced until CLEAN_UP. The listener rules' weights follow the stage.
/// <para>A shift starts when a new PRIMARY appears beside tasks of older deployments (CreateService's first deployment
/// has no blue and simply starts; a rollback deployment never shifts). It is abandoned — traffic back to blue, green drained as an old deployment — when
/// green fails or another deployment replaces it (a circuit breaker or StopServiceDeployment rollback: that deployment
/// then runs in blue's target groups, replacing blue's tasks in a rolling update).</para>
/// </summary>
internal static class TrafficShiftRound
{
    /// <summary>Sides for new deployments, a new shift for a new PRIMARY, the stage advanced, a finished-with shift dropped.</summary>
    public static SchedulerState Track(
        Service service, IReadOnlyList<Deployment> deployments, IReadOnlyList<ServiceTask> tasks, SchedulerState state, int desired, DateTimeOffset now)
    {
        var primary = deployments.Count > 0 ? deployments[0] : null;
        var live = deployments.Select(d => d.Id).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var sides = state.Sides.Where(s => live.Contains(s.DeploymentId)).ToList();
        var shift = state.Shift;
        if (shift is not null && !IsActive(shift, primary) && !tasks.Any(t => t.DeploymentId == shift.GreenDeploymentId && ServiceTaskState.IsActive(t)))
        {
            shift = null;
        }
        if (shift is null && primary?.Id is { } id && sides.All(s => s.DeploymentId != id)
            && primary.RolloutState == RolloutStates.InProgress
            && !ServiceHistory.IsRollback(state.Links, id)
            && DeploymentStrategies.ShiftsTraffic(service.DeploymentConfiguration)
            && tasks.Any(t => t.DeploymentId != id && ServiceTaskState.IsActive(t)))
        {
            var blueRevisions = tasks.Where(t => t.DeploymentId != id && ServiceTaskState.IsActive(t)).Select(t => t.DeploymentId).Distinct(StringComparer.Ordinal).Count();
            shift = TrafficShift.Start(id, now, reconcile: blueRevisions > 1);
            sides.Add(new DeploymentSide(id, !state.ProductionOnAlternate));
        }
        foreach (var deployment in deployments.Where(d => d.Id is not null && sides.All(s => s.DeploymentId != d.Id)))
        {
            sides.Add(new DeploymentSide(deployment.Id!, state.ProductionOnAlternate));
        }
        if (shift is not null && IsActive(shift, primary))
        {
            var greenReady = tasks.Count(t => t.DeploymentId == shift.GreenDeploymentId && ServiceTaskState.IsHealthy(t, now)) >= desired;
            shift = TrafficShift.Advance(shift, service.DeploymentConfiguration, HasTestRule(service), greenReady, now);
        }
        return state with { Shift = shift, Sides = sides };
    }

    /// <summary>While green runs beside blue and before CLEAN_UP, blue is held: not drained, and green may exceed maximumPercent.</summary>
    public static bool HoldsBlue(SchedulerState state, IReadOnlyList<Deployment> deployments) =>
        state.Shift is { } shift && IsActive(shift, deployments.Count > 0 ? deployments[0] : null) && TrafficShift.KeepsBlue(shift);

    /// <summary>While the shift waits at RECONCILE_SERVICE or PRE_SCALE_UP, green starts no tasks (<see cref="PauseHooks.HoldsGreen"/>).</summary>
    public static bool HoldsGreen(SchedulerState state, IReadOnlyList<Deployment> deployments) =>
        state.Shift is { } shift && IsActive(shift, deployments.Count > 0 ? deployments[0] : null) && PauseHooks.HoldsGreen(shift);

    /// <summary>Once green completed, its target groups serve production: the groups swap roles and the shift is over.</summary>
    public static SchedulerState Finish(SchedulerState state, Deployment? completed)
    {
        if (completed is null || state.Shift is not { } shift || shift.GreenDeploymentId != completed.Id)
        {
            return state;
        }
        return state with { Shift = null, ProductionOnAlternate = TrafficShift.IsAlternate(state, completed.Id) };
    }

    /// <summary>
    /// The forward actions of every production and test listener rule the load balancers name: production weights
    /// split between blue's and green's groups by the stage's green share, test traffic on green from
    /// TEST_TRAFFIC_SHIFT on; everything on production's groups when no shift is active. Each rule forwards to both
    /// groups, the load balancer's targetGroupArn first.
    /// </summary>
    public static IReadOnlyList<ListenerRuleForward> Forwards(Service service, SchedulerState state, IReadOnlyList<Deployment> deployments)
    {
        var shift = state.Shift is { } s && IsActive(s, deployments.Count > 0 ? deployments[0] : null) ? s : null;
        if (shift is null && !DeploymentStrategies.ShiftsTraffic(service.DeploymentConfiguration))
        {
            return [];
        }
        var greenOnAlternate = shift is null ? state.ProductionOnAlternate : TrafficShift.IsAlternate(state, shift.GreenDeploymentId);
        var production = TrafficShift.Weights(shift?.GreenPercent ?? 100);
        var test = shift is null || TrafficShift.TestsGreen(shift) ? (Green: 100, Blue: 0) : (Green: 0, Blue: 100);
        var forwards = new Dictionary<string, ListenerRuleForward>(StringComparer.Ordinal);
        foreach (var balancer in service.LoadBalancers ?? [])
        {
            if (balancer.AdvancedConfiguration is not { AlternateTargetGroupArn: { } alternate } advanced || balancer.TargetGroupArn is not { } primaryGroup)
            {
                continue;
            }
            ListenerRuleForward Forward(string rule, (int Green, int Blue) weights) => new(rule,
            [
                new WeightedTargetGroup(primaryGroup, greenOnAlternate ? weights.Blue : weights.Green),
                new WeightedTargetGroup(alternate, greenOnAlternate ? weights.Green : weights.Blue),
            ]);
            if (advanced.ProductionListenerRule is { } productionRule)
            {
                forwards[productionRule] = Forward(productionRule, production);
            }
            if (advanced.TestListenerRule is { } testRule)
            {
                forwards[testRule] = Forward(testRule, test);
            }
        }
        return [.. forwards.Values];
    }

    /// <summary>A shift is active while its green is the PRIMARY and has not failed.</summary>
    private static bool IsActive(TrafficShiftState shift, Deployment? primary) =>
        primary is not null && primary.Id == shift.GreenDeploymentId && primary.RolloutState != RolloutStates.Failed;

    private static bool HasTestRule(Service service) =>
        (service.LoadBalancers ?? []).Any(b => b.AdvancedConfiguration?.TestListenerRule is not null);
}
