using System.Security.Cryptography;
using System.Text;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Validation;

namespace Berth.Core.Services;

/// <summary>
/// One PAUSE lifecycle hook's run in one deployment: the hook (its place in deploymentConfiguration.lifecycleHooks)
/// at one stage, its status (AWAITING_ACTION, then SUCCEEDED, FAILED or TIMED_OUT), when it times out and what happens
/// then. Stored with the blue/green shift (<see cref="TrafficShiftState.Hooks"/>), so a restart keeps a paused
/// deployment paused with the same deadline.
/// </summary>
public sealed record PauseHookRun(string HookId, int HookIndex, string Stage, string Status, DateTimeOffset ExpiresAt, string TimeoutAction);

/// <summary>
/// Deployment lifecycle hooks of type PAUSE ("Pause hooks for Amazon ECS service deployments"): when a BLUE_GREEN,
/// LINEAR or CANARY deployment is to leave a stage that a PAUSE hook names, it waits there — blue keeps its traffic as
/// the stage says, the deployment stays IN_PROGRESS — until ContinueServiceDeployment answers CONTINUE (the next
/// stage) or ROLLBACK (back to the previous revision, as the circuit breaker rolls back), or until the hook's
/// timeoutConfiguration (default 1440 minutes, action ROLLBACK) acts instead.
/// <para>PRE_PRODUCTION_TRAFFIC_SHIFT is a hook stage but no lifecycle stage: it holds the deployment at the end of the
/// stage before PRODUCTION_TRAFFIC_SHIFT, after that stage's own hooks. A PRE_SCALE_UP or RECONCILE_SERVICE pause holds
/// green's tasks back: "The green service revision has not started".</para>
/// <para>AWS_LAMBDA hooks (the default targetType) are refused: Berth cannot invoke Lambda functions.</para>
/// </summary>
public static class PauseHooks
{
    public const string Pause = "PAUSE";
    public const string Lambda = "AWS_LAMBDA";

    public const string AwaitingAction = "AWAITING_ACTION";
    public const string Succeeded = "SUCCEEDED";
    public const string Failed = "FAILED";
    public const string TimedOut = "TIMED_OUT";

    public const string Continue = "CONTINUE";
    public const string Rollback = "ROLLBACK";

    public const string ReconcileService = "RECONCILE_SERVICE";
    public const string PreProductionTrafficShift = "PRE_PRODUCTION_TRAFFIC_SHIFT";

    /// <summary>DeploymentLifecycleHookTimeoutConfiguration's defaults (API reference): 24 hours, then ROLLBACK.</summary>
    public const int DefaultTimeoutMinutes = 1440;
    public const int MaximumTimeoutMinutes = 20160;
    public const string DefaultTimeoutAction = Rollback;

    /// <summary>
    /// The stages a PAUSE hook may name ("Pause hooks …", configuration fields): TEST_TRAFFIC_SHIFT and
    /// PRODUCTION_TRAFFIC_SHIFT are run repeatedly while traffic moves, which only Lambda hooks take part in.
    /// </summary>
    public static readonly IReadOnlyList<string> Stages =
    [
        ReconcileService, TrafficShift.PreScaleUp, TrafficShift.PostScaleUp, TrafficShift.PostTestTrafficShift,
        PreProductionTrafficShift, TrafficShift.PostProductionTrafficShift,
    ];

    /// <summary>
    /// The checks of deploymentConfiguration.lifecycleHooks: every hook given is a PAUSE hook naming stages from
    /// <see cref="Stages"/> with a timeout of 1–20160 minutes, and the strategy the service will have runs stages at all
    /// (ROLLING has none).
    /// </summary>
    /// <param name="given">The hooks as the request gave them.</param>
    /// <param name="effective">The hooks the service will have (the request's, or the current ones kept).</param>
    public static void Validate(IReadOnlyList<DeploymentLifecycleHook>? given, IReadOnlyList<DeploymentLifecycleHook>? effective, string strategy)
    {
        foreach (var hook in given ?? [])
        {
            Require.OneOf(hook.TargetType, EcsEnums.DeploymentLifecycleHookTargetType, "deploymentConfiguration.lifecycleHooks.targetType");
            if ((hook.TargetType ?? Lambda) == Lambda)
            {
                throw new UnsupportedFeatureException(
                    "Berth does not support AWS_LAMBDA lifecycle hooks (the default targetType): Berth cannot invoke Lambda functions. Use targetType PAUSE and ContinueServiceDeployment.");
            }
            Require.That(hook.HookTargetArn is null && hook.RoleArn is null,
                "deploymentConfiguration.lifecycleHooks.hookTargetArn and roleArn are not applicable to PAUSE hooks.");
            Require.That(hook.LifecycleStages is { Count: > 0 }, "deploymentConfiguration.lifecycleHooks.lifecycleStages must name at least one stage.");
            foreach (var stage in hook.LifecycleStages!)
            {
                Require.OneOf(stage, EcsEnums.DeploymentLifecycleHookStage, "deploymentConfiguration.lifecycleHooks.lifecycleStages");
                Require.That(Stages.Contains(stage),
                    $"A PAUSE lifecycle hook cannot run at {stage}; valid stages are {string.Join(", ", Stages)}.");
            }
            Require.InRange(hook.TimeoutConfiguration?.TimeoutInMinutes, 1, MaximumTimeoutMinutes, "deploymentConfiguration.lifecycleHooks.timeoutConfiguration.timeoutInMinutes");
            Require.OneOf(hook.TimeoutConfiguration?.Action, EcsEnums.DeploymentLifecycleHookAction, "deploymentConfiguration.lifecycleHooks.timeoutConfiguration.action");
        }
        Require.That(
            effective is not { Count: > 0 } || strategy != DeploymentStrategies.Rolling,
            "Lifecycle hooks are only supported with the BLUE_GREEN, LINEAR and CANARY deployment strategies.");
    }

    /// <summary>
    /// Whether the deployment may leave the point <paramref name="stage"/> names now: every PAUSE hook naming it has
    /// SUCCEEDED or TIMED_OUT with action CONTINUE. A hook reached for the first time starts AWAITING_ACTION (the
    /// returned shift carries its run); an expired one times out.
    /// </summary>
    public static (TrafficShiftState Shift, bool Passes) Gate(TrafficShiftState shift, string stage, DeploymentConfiguration? configuration, DateTimeOffset now)
    {
        shift = Expire(shift, now);
        var passes = true;
        foreach (var (hook, index) in (configuration?.LifecycleHooks ?? []).Select((h, i) => (h, i)))
        {
            if (hook.TargetType != Pause || !(hook.LifecycleStages ?? []).Contains(stage))
            {
                continue;
            }
            var run = shift.Hooks.FirstOrDefault(r => r.HookIndex == index && r.Stage == stage);
            if (run is null)
            {
                run = new PauseHookRun(
                    HookId(shift.GreenDeploymentId, index, stage), index, stage, AwaitingAction,
                    now.AddMinutes(hook.TimeoutConfiguration?.TimeoutInMinutes ?? DefaultTimeoutMinutes),
                    hook.TimeoutConfiguration?.Action ?? DefaultTimeoutAction);
                shift = shift with { Hooks = [.. shift.Hooks, run] };
            }
            passes &= run.Status == Succeeded || (run.Status == TimedOut && run.TimeoutAction == Continue);
        }
        return (shift, passes);
    }

    /// <summary>Runs still AWAITING_ACTION at or past expiresAt turn TIMED_OUT; their timeoutAction then applies.</summary>
    public static TrafficShiftState Expire(TrafficShiftState shift, DateTimeOffset now) =>
        shift.Hooks.Any(r => r.Status == AwaitingAction && now >= r.ExpiresAt)
            ? shift with { Hooks = [.. shift.Hooks.Select(r => r.Status == AwaitingAction && now >= r.ExpiresAt ? r with { Status = TimedOut } : r)] }
            : shift;

    /// <summary>
    /// The verdict that rolls the PRIMARY back: one of its shift's hooks was answered ROLLBACK (FAILED) or timed out
    /// with timeoutAction ROLLBACK. It always rolls back, whatever the circuit breaker's rollback setting.
    /// </summary>
    internal static DeploymentFailure? Failure(Service service, Deployment primary, TrafficShiftState? shift)
    {
        if (shift is null || shift.GreenDeploymentId != primary.Id || primary.RolloutState != RolloutStates.InProgress
            || shift.Hooks.FirstOrDefault(r => r.Status == Failed || (r.Status == TimedOut && r.TimeoutAction == Rollback)) is not { } run)
        {
            return null;
        }
        var cause = run.Status == TimedOut
            ? $"the PAUSE lifecycle hook {run.HookId} at {run.Stage} timed out with timeout action ROLLBACK"
            : $"ContinueServiceDeployment rolled back the PAUSE lifecycle hook {run.HookId} at {run.Stage}";
        return new DeploymentFailure(
            $"Service deployment failed: {cause}.",
            $"(service {service.ServiceName}) (deployment {primary.Id}) deployment failed: {cause}.",
            RollsBack: true,
            target => $"Service deployment rolled back to deploymentId {target}: {cause}.");
    }

    /// <summary>
    /// ContinueServiceDeployment's decision on a hook of <paramref name="deployment"/>: CONTINUE makes it SUCCEEDED (the
    /// scheduler moves on), ROLLBACK makes it FAILED (the scheduler rolls the deployment back). The deployment must be
    /// IN_PROGRESS and the hook one of its own, AWAITING_ACTION and not expired.
    /// </summary>
    public static SchedulerState Resolve(SchedulerState state, ServiceDeployment deployment, string hookId, string action, DateTimeOffset now)
    {
        var arn = deployment.ServiceDeploymentArn;
        var green = state.Links.FirstOrDefault(l => l.ServiceDeploymentArn == arn && l.ServiceRevisionArn == deployment.TargetServiceRevision?.Arn)?.DeploymentId;
        var shift = state.Shift is { } s && s.GreenDeploymentId == green ? Expire(s, now) : null;
        var run = shift?.Hooks.FirstOrDefault(r => r.HookId == hookId);
        var status = run?.Status ?? (deployment.LifecycleHookDetails ?? []).FirstOrDefault(d => d.HookId == hookId)?.Status
            ?? throw new InvalidParameterException($"The hook ID {hookId} does not belong to the service deployment {arn}.");
        if (deployment.Status != ServiceHistory.InProgress)
        {
            throw new ClientException(
                $"The service deployment {arn} is {deployment.Status}: only an IN_PROGRESS service deployment can be continued.");
        }
        if (run is null || status != AwaitingAction)
        {
            throw new ClientException(
                $"The lifecycle hook {hookId} is {status}: only a hook in AWAITING_ACTION status can be continued or rolled back.");
        }
        var decided = run with { Status = action == Rollback ? Failed : Succeeded };
        return state with { Shift = shift! with { Hooks = [.. shift.Hooks.Select(r => r == run ? decided : r)] } };
    }

    /// <summary>The runs as DescribeServiceDeployments shows them (lifecycleHookDetails); a PAUSE hook has no targetArn.</summary>
    public static IReadOnlyList<DeploymentLifecycleHookDetail> Details(TrafficShiftState shift) =>
        [.. shift.Hooks.Select(r => new DeploymentLifecycleHookDetail
        {
            HookId = r.HookId,
            TargetType = Pause,
            Status = r.Status,
            ExpiresAt = r.ExpiresAt,
            TimeoutAction = r.TimeoutAction,
        })];

    /// <summary>
    /// Holds green's tasks back while the shift waits at RECONCILE_SERVICE or PRE_SCALE_UP, where green "has not
    /// started".
    /// </summary>
    public static bool HoldsGreen(TrafficShiftState shift) => shift.Stage is ReconcileService or TrafficShift.PreScaleUp;

    /// <summary>
    /// <c>ecs-pause-</c> and 43 URL-safe characters, as ECS's hook ids; derived from the deployment, the hook and the
    /// stage, so a re-plan after a commit conflict names the same run.
    /// </summary>
    private static string HookId(string greenDeploymentId, int index, string stage)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{greenDeploymentId}#{index}#{stage}"));
        return "ecs-pause-" + Convert.ToBase64String(hash).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
