using Berth.Core.Ecs;

namespace Berth.Core.Services;

/// <summary>
/// Where a BLUE_GREEN, LINEAR or CANARY deployment stands: the green deployment, its lifecycle stage (ECS's
/// ServiceDeploymentLifecycleStage) since when, and the share of production traffic green receives. Stored with the
/// service's scheduler bookkeeping; the stage is what DescribeServiceDeployments shows as lifecycleStage.
/// </summary>
/// <param name="StepAt">When the production traffic last moved (LINEAR steps and the CANARY phase wait from there).</param>
public sealed record TrafficShiftState(
    string GreenDeploymentId, string Stage, DateTimeOffset StageStartedAt, double GreenPercent, DateTimeOffset? StepAt)
{
    /// <summary>The PAUSE lifecycle hooks this deployment reached, in the order it reached them (<see cref="PauseHooks"/>).</summary>
    public IReadOnlyList<PauseHookRun> Hooks { get; init; } = [];

    /// <summary>By value, hooks included: "did the shift change" decides whether a round or the history writes anything.</summary>
    public bool Equals(TrafficShiftState? other) =>
        other is not null && GreenDeploymentId == other.GreenDeploymentId && Stage == other.Stage && StageStartedAt == other.StageStartedAt
        && GreenPercent.Equals(other.GreenPercent) && StepAt == other.StepAt && Hooks.SequenceEqual(other.Hooks);

    public override int GetHashCode() => HashCode.Combine(GreenDeploymentId, Stage, StageStartedAt, GreenPercent, StepAt, Hooks.Count);
}

/// <summary>
/// The pure stage machine of ECS's blue/green, linear and canary deployments ("Amazon ECS blue/green deployments",
/// "Amazon ECS linear deployments", "Amazon ECS canary deployments"). The stages around the traffic shifts pass at once
/// unless a PAUSE lifecycle hook holds them (<see cref="PauseHooks"/>):
/// RECONCILE_SERVICE (only when blue runs more than one revision) → PRE_SCALE_UP → SCALE_UP (green started at full size, serving nothing; until all its tasks are healthy) →
/// POST_SCALE_UP → TEST_TRAFFIC_SHIFT → POST_TEST_TRAFFIC_SHIFT (the test listener rule forwards to green) →
/// PRODUCTION_TRAFFIC_SHIFT (BLUE_GREEN: 100% at once; LINEAR: stepPercent every stepBakeTimeInMinutes; CANARY:
/// canaryPercent, then the rest after canaryBakeTimeInMinutes) → POST_PRODUCTION_TRAFFIC_SHIFT → BAKE_TIME
/// (bakeTimeInMinutes with blue still running) → CLEAN_UP (blue's tasks stopped; the deployment completes when they
/// are gone).
/// </summary>
public static class TrafficShift
{
    public const string ReconcileService = PauseHooks.ReconcileService;
    public const string PreScaleUp = "PRE_SCALE_UP";
    public const string ScaleUp = "SCALE_UP";
    public const string PostScaleUp = "POST_SCALE_UP";
    public const string TestTrafficShift = "TEST_TRAFFIC_SHIFT";
    public const string PostTestTrafficShift = "POST_TEST_TRAFFIC_SHIFT";
    public const string ProductionTrafficShift = "PRODUCTION_TRAFFIC_SHIFT";
    public const string PostProductionTrafficShift = "POST_PRODUCTION_TRAFFIC_SHIFT";
    public const string BakeTime = "BAKE_TIME";
    public const string CleanUp = "CLEAN_UP";

    /// <summary>The stages in order; the test-traffic ones are passed over without a test listener rule.</summary>
    private static readonly string[] Order =
    [
        ReconcileService, PreScaleUp, ScaleUp, PostScaleUp, TestTrafficShift, PostTestTrafficShift,
        ProductionTrafficShift, PostProductionTrafficShift, BakeTime, CleanUp,
    ];

    public static IReadOnlyList<string> Stages => Order;

    /// <param name="reconcile">Blue runs more than one service revision, which the deployment reconciles first.</param>
    public static TrafficShiftState Start(string greenDeploymentId, DateTimeOffset now, bool reconcile = false) =>
        new(greenDeploymentId, reconcile ? ReconcileService : PreScaleUp, now, 0, null);

    /// <summary>
    /// Moves through every stage that can be left now (at most one traffic step per call, so each LINEAR step is
    /// committed and waited for). <paramref name="greenReady"/>: all of green's desired tasks run and are healthy.
    /// </summary>
    public static TrafficShiftState Advance(
        TrafficShiftState shift, DeploymentConfiguration? configuration, bool hasTestRule, bool greenReady, DateTimeOffset now)
    {
        for (var i = 0; i <= Order.Length; i++)
        {
            var next = Step(shift, configuration, hasTestRule, greenReady, now);
            if (next == shift)
            {
                return shift;
            }
            var stepped = next.StepAt != shift.StepAt && shift.Stage == ProductionTrafficShift;
            shift = next;
            if (stepped)
            {
                return shift;
            }
        }
        return shift;
    }

    /// <summary>
    /// One transition, or the state unchanged when the current stage cannot be left yet; a PAUSE hook reached is a
    /// transition of its own (its run starts AWAITING_ACTION).
    /// </summary>
    public static TrafficShiftState Step(
        TrafficShiftState shift, DeploymentConfiguration? configuration, bool hasTestRule, bool greenReady, DateTimeOffset now)
    {
        var (gated, passes) = PauseHooks.Gate(shift, shift.Stage, configuration, now);
        if (!passes || gated != shift)
        {
            return gated;
        }
        switch (shift.Stage)
        {
            case ReconcileService:
                return Enter(shift, PreScaleUp, now);
            case PreScaleUp:
                return Enter(shift, ScaleUp, now);
            case ScaleUp:
                return greenReady ? Enter(shift, PostScaleUp, now) : shift;
            case PostScaleUp:
                return hasTestRule ? Enter(shift, TestTrafficShift, now) : StartProduction(shift, configuration, now);
            case TestTrafficShift:
                return Enter(shift, PostTestTrafficShift, now);
            case PostTestTrafficShift:
                return StartProduction(shift, configuration, now);
            case ProductionTrafficShift:
                if (shift.GreenPercent >= 100)
                {
                    return Enter(shift, PostProductionTrafficShift, now);
                }
                // A green that stopped being healthy is not given more traffic (the circuit breaker or an alarm decides).
                return greenReady && shift.StepAt is { } at && now - at >= StepWait(configuration)
                    ? shift with { GreenPercent = NextPercent(configuration, shift.GreenPercent), StepAt = now }
                    : shift;
            case PostProductionTrafficShift:
                return Enter(shift, BakeTime, now);
            case BakeTime:
                return now - shift.StageStartedAt >= TimeSpan.FromMinutes(Math.Max(0, configuration?.BakeTimeInMinutes ?? 0))
                    ? Enter(shift, CleanUp, now)
                    : shift;
            default:
                return shift;
        }
    }

    /// <summary>
    /// True when the deployment's tasks register in the load balancers' alternate target groups; a deployment not
    /// placed yet would join production's.
    /// </summary>
    public static bool IsAlternate(SchedulerState state, string? deploymentId) =>
        state.Sides.FirstOrDefault(s => s.DeploymentId == deploymentId)?.Alternate ?? state.ProductionOnAlternate;

    /// <summary>Blue keeps running (and is not replaced) until CLEAN_UP.</summary>
    public static bool KeepsBlue(TrafficShiftState shift) => shift.Stage != CleanUp;

    /// <summary>The test listener rule forwards to green from TEST_TRAFFIC_SHIFT on.</summary>
    public static bool TestsGreen(TrafficShiftState shift) =>
        Array.IndexOf(Order, shift.Stage) >= Array.IndexOf(Order, TestTrafficShift);

    /// <summary>
    /// Listener rule weights (0–999 in ELB) for a green share of <paramref name="greenPercent"/>: whole percents as
    /// (green, blue) out of 100, tenths out of 1000 (canaryPercent 2.5 → 25 and 975).
    /// </summary>
    public static (int Green, int Blue) Weights(double greenPercent)
    {
        var tenths = (int)Math.Round(Math.Clamp(greenPercent, 0, 100) * 10);
        return tenths % 10 == 0 ? (tenths / 10, 100 - (tenths / 10)) : (tenths, 1000 - tenths);
    }

    private static TrafficShiftState Enter(TrafficShiftState shift, string stage, DateTimeOffset now) =>
        shift with { Stage = stage, StageStartedAt = now };

    /// <summary>Production traffic starts moving once the PRE_PRODUCTION_TRAFFIC_SHIFT hooks let it.</summary>
    private static TrafficShiftState StartProduction(TrafficShiftState shift, DeploymentConfiguration? configuration, DateTimeOffset now)
    {
        var (gated, passes) = PauseHooks.Gate(shift, PauseHooks.PreProductionTrafficShift, configuration, now);
        return passes && gated == shift
            ? Enter(shift, ProductionTrafficShift, now) with { GreenPercent = FirstPercent(configuration), StepAt = now }
            : gated;
    }

    /// <summary>BLUE_GREEN shifts everything at once; LINEAR its first step; CANARY the canary share.</summary>
    private static double FirstPercent(DeploymentConfiguration? configuration) => DeploymentStrategies.Of(configuration) switch
    {
        DeploymentStrategies.Linear => Math.Min(100, configuration?.LinearConfiguration?.StepPercent ?? DeploymentStrategies.DefaultStepPercent),
        DeploymentStrategies.Canary => Math.Min(100, configuration?.CanaryConfiguration?.CanaryPercent ?? DeploymentStrategies.DefaultCanaryPercent),
        _ => 100,
    };

    private static double NextPercent(DeploymentConfiguration? configuration, double current) => DeploymentStrategies.Of(configuration) switch
    {
        DeploymentStrategies.Linear => Math.Min(100, Math.Round(current + (configuration?.LinearConfiguration?.StepPercent ?? DeploymentStrategies.DefaultStepPercent), 1)),
        _ => 100,
    };

    /// <summary>LINEAR waits stepBakeTimeInMinutes between steps, CANARY canaryBakeTimeInMinutes after the canary step.</summary>
    private static TimeSpan StepWait(DeploymentConfiguration? configuration) => TimeSpan.FromMinutes(DeploymentStrategies.Of(configuration) switch
    {
        DeploymentStrategies.Linear => configuration?.LinearConfiguration?.StepBakeTimeInMinutes ?? DeploymentStrategies.DefaultStepBakeTimeMinutes,
        DeploymentStrategies.Canary => configuration?.CanaryConfiguration?.CanaryBakeTimeInMinutes ?? DeploymentStrategies.DefaultCanaryBakeTimeMinutes,
        _ => 0,
    });
}
