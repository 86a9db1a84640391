using System.Text.Json;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Services;
using Berth.Core.State;

namespace Berth.Core.Tests.Services;

/// <summary>PAUSE lifecycle hooks alone: which configurations are accepted, where a deployment waits, and how a hook is answered.</summary>
public class PauseHooksTests
{
    private static readonly DateTimeOffset T0 = ServiceFixture.T0;
    private const string DeploymentArn = "arn:aws:ecs:us-east-1:123456789012:service-deployment/default/web/abc";
    private const string RevisionArn = "arn:aws:ecs:us-east-1:123456789012:service-revision/default/web/2";

    private static DeploymentLifecycleHook Hook(string[] stages, int? timeout = null, string? action = null, string? type = "PAUSE") => new()
    {
        TargetType = type,
        LifecycleStages = stages,
        TimeoutConfiguration = timeout is null && action is null ? null : new DeploymentLifecycleHookTimeoutConfiguration { TimeoutInMinutes = timeout, Action = action },
    };

    private static DeploymentConfiguration Config(string strategy, params DeploymentLifecycleHook[] hooks) => new() { Strategy = strategy, LifecycleHooks = hooks };

    public static TheoryData<string, DeploymentLifecycleHook, Type?, string?> Validation => new()
    {
        { "BLUE_GREEN", Hook(["POST_TEST_TRAFFIC_SHIFT"], 10, "ROLLBACK"), null, null },
        { "CANARY", Hook(["RECONCILE_SERVICE", "PRE_SCALE_UP", "POST_SCALE_UP", "PRE_PRODUCTION_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT"]), null, null },
        { "LINEAR", Hook(["POST_SCALE_UP"], 20160, "CONTINUE"), null, null },
        { "BLUE_GREEN", Hook(["POST_SCALE_UP"], type: null), typeof(UnsupportedFeatureException), "cannot invoke Lambda functions" },
        { "BLUE_GREEN", Hook(["POST_SCALE_UP"], type: "AWS_LAMBDA"), typeof(UnsupportedFeatureException), "cannot invoke Lambda functions" },
        { "BLUE_GREEN", Hook(["POST_SCALE_UP"], type: "WEBHOOK"), typeof(InvalidParameterException), "targetType" },
        { "BLUE_GREEN", Hook(["TEST_TRAFFIC_SHIFT"]), typeof(InvalidParameterException), "cannot run at TEST_TRAFFIC_SHIFT" },
        { "BLUE_GREEN", Hook(["PRODUCTION_TRAFFIC_SHIFT"]), typeof(InvalidParameterException), "cannot run at PRODUCTION_TRAFFIC_SHIFT" },
        { "BLUE_GREEN", Hook(["BAKE_TIME"]), typeof(InvalidParameterException), "lifecycleStages" },
        { "BLUE_GREEN", Hook([]), typeof(InvalidParameterException), "at least one stage" },
        { "BLUE_GREEN", Hook(["POST_SCALE_UP"], 0), typeof(InvalidParameterException), "timeoutInMinutes" },
        { "BLUE_GREEN", Hook(["POST_SCALE_UP"], 20161), typeof(InvalidParameterException), "timeoutInMinutes" },
        { "BLUE_GREEN", Hook(["POST_SCALE_UP"], 5, "ABORT"), typeof(InvalidParameterException), "action" },
        { "BLUE_GREEN", Hook(["POST_SCALE_UP"]) with { HookTargetArn = "arn:aws:lambda:us-east-1:123456789012:function:f" }, typeof(InvalidParameterException), "not applicable" },
        { "ROLLING", Hook(["POST_SCALE_UP"]), typeof(InvalidParameterException), "only supported with the BLUE_GREEN, LINEAR and CANARY" },
    };

    [Theory]
    [MemberData(nameof(Validation))]
    public void Only_pause_hooks_at_stages_that_pause_are_accepted(string strategy, DeploymentLifecycleHook hook, Type? error, string? fragment)
    {
        var thrown = Record.Exception(() => PauseHooks.Validate([hook], [hook], strategy));

        Assert.Equal(error, thrown?.GetType());
        if (fragment is not null)
        {
            Assert.Contains(fragment, thrown!.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Hooks_kept_from_the_current_configuration_are_refused_when_the_strategy_turns_rolling()
    {
        var kept = Hook(["POST_SCALE_UP"]);
        Assert.IsType<InvalidParameterException>(Record.Exception(() => PauseHooks.Validate(null, [kept], "ROLLING")));
        Assert.Null(Record.Exception(() => PauseHooks.Validate(null, [], "ROLLING")));
    }

    /// <summary>Where a BLUE_GREEN deployment with a test rule waits for a hook at each stage: (stage, green's production share, test on green).</summary>
    public static TheoryData<string, bool, string, double, bool> Holds => new()
    {
        { "RECONCILE_SERVICE", true, "RECONCILE_SERVICE", 0, false },
        { "RECONCILE_SERVICE", false, "CLEAN_UP", 100, true },
        { "PRE_SCALE_UP", false, "PRE_SCALE_UP", 0, false },
        { "POST_SCALE_UP", false, "POST_SCALE_UP", 0, false },
        { "POST_TEST_TRAFFIC_SHIFT", false, "POST_TEST_TRAFFIC_SHIFT", 0, true },
        { "PRE_PRODUCTION_TRAFFIC_SHIFT", false, "POST_TEST_TRAFFIC_SHIFT", 0, true },
        { "POST_PRODUCTION_TRAFFIC_SHIFT", false, "POST_PRODUCTION_TRAFFIC_SHIFT", 100, true },
    };

    [Theory]
    [MemberData(nameof(Holds))]
    public void A_pause_hook_holds_the_deployment_where_its_stage_says(string hookStage, bool reconcile, string heldAt, double greenPercent, bool testsGreen)
    {
        var configuration = Config("BLUE_GREEN", Hook([hookStage]));

        var shift = TrafficShift.Advance(TrafficShift.Start(ServiceFixture.DepNew, T0, reconcile), configuration, hasTestRule: true, greenReady: true, T0);

        Assert.Equal((heldAt, greenPercent, testsGreen), (shift.Stage, shift.GreenPercent, TrafficShift.TestsGreen(shift)));
        if (heldAt != TrafficShift.CleanUp)
        {
            var run = Assert.Single(shift.Hooks);
            Assert.Equal((hookStage, PauseHooks.AwaitingAction, T0.AddMinutes(1440), "ROLLBACK"), (run.Stage, run.Status, run.ExpiresAt, run.TimeoutAction));
            Assert.Matches("^ecs-pause-[A-Za-z0-9_-]{43}$", run.HookId);
            Assert.Equal(shift, TrafficShift.Advance(shift, configuration, true, true, T0.AddHours(1)));
        }
    }

    [Fact]
    public void Continue_moves_on_to_the_next_hook_and_then_to_the_end()
    {
        var configuration = Config("BLUE_GREEN", Hook(["POST_SCALE_UP", "POST_PRODUCTION_TRAFFIC_SHIFT"], 30, "CONTINUE"));
        var shift = TrafficShift.Advance(TrafficShift.Start(ServiceFixture.DepNew, T0), configuration, false, true, T0);
        Assert.Equal(TrafficShift.PostScaleUp, shift.Stage);

        shift = Answered(shift, shift.Hooks[0].HookId, "CONTINUE", T0.AddMinutes(1));
        shift = TrafficShift.Advance(shift, configuration, false, true, T0.AddMinutes(1));
        Assert.Equal((TrafficShift.PostProductionTrafficShift, 100.0), (shift.Stage, shift.GreenPercent));
        Assert.Equal([PauseHooks.Succeeded, PauseHooks.AwaitingAction], shift.Hooks.Select(h => h.Status));
        Assert.Equal(T0.AddMinutes(31), shift.Hooks[1].ExpiresAt);

        shift = Answered(shift, shift.Hooks[1].HookId, null, T0.AddMinutes(2));
        Assert.Equal(TrafficShift.CleanUp, TrafficShift.Advance(shift, configuration, false, true, T0.AddMinutes(2)).Stage);
    }

    [Theory]
    [InlineData("CONTINUE", "CLEAN_UP")]
    [InlineData("ROLLBACK", "POST_SCALE_UP")]
    public void A_hook_nobody_answers_times_out_and_takes_its_timeout_action(string action, string stageAfter)
    {
        var configuration = Config("BLUE_GREEN", Hook(["POST_SCALE_UP"], 5, action));
        var shift = TrafficShift.Advance(TrafficShift.Start(ServiceFixture.DepNew, T0), configuration, false, true, T0);

        Assert.Equal(TrafficShift.PostScaleUp, TrafficShift.Advance(shift, configuration, false, true, T0.AddMinutes(4)).Stage);
        shift = TrafficShift.Advance(shift, configuration, false, true, T0.AddMinutes(5));

        Assert.Equal((stageAfter, PauseHooks.TimedOut), (shift.Stage, shift.Hooks[0].Status));
    }

    [Theory]
    [InlineData("ROLLBACK", null, "ContinueServiceDeployment rolled back the PAUSE lifecycle hook")]
    [InlineData(null, "ROLLBACK", "timed out with timeout action ROLLBACK")]
    [InlineData("CONTINUE", null, null)]
    [InlineData(null, "CONTINUE", null)]
    [InlineData(null, null, null)]
    public void A_hook_answered_or_timed_out_with_rollback_fails_the_deployment(string? answer, string? timeoutAction, string? cause)
    {
        var service = ServiceFixture.Replica(2, ServiceFixture.NewPrimary()) with { DeploymentConfiguration = Config("BLUE_GREEN", Hook(["POST_SCALE_UP"], 5, timeoutAction ?? "CONTINUE")) };
        var shift = TrafficShift.Advance(TrafficShift.Start(ServiceFixture.DepNew, T0), service.DeploymentConfiguration, false, true, T0);
        var now = timeoutAction is null ? T0.AddMinutes(1) : T0.AddMinutes(5);
        shift = answer is null ? PauseHooks.Expire(shift, now) : Answered(shift, shift.Hooks[0].HookId, answer, now);

        var failure = PauseHooks.Failure(service, service.Deployments![0], shift);

        Assert.Equal(cause is null, failure is null);
        if (cause is not null)
        {
            Assert.True(failure!.RollsBack);
            Assert.Contains(cause, failure.Reason, StringComparison.Ordinal);
            Assert.Contains("rolled back to deploymentId ecs-svc/1", failure.RollbackReason("ecs-svc/1"), StringComparison.Ordinal);
        }
    }

    /// <summary>ContinueServiceDeployment's refusals: (deployment status, hook id asked, hook status, error type, message fragment).</summary>
    public static TheoryData<string, bool, string, Type, string> Refusals => new()
    {
        { "IN_PROGRESS", false, "AWAITING_ACTION", typeof(InvalidParameterException), "does not belong to the service deployment" },
        { "IN_PROGRESS", true, "SUCCEEDED", typeof(ClientException), "is SUCCEEDED: only a hook in AWAITING_ACTION status" },
        { "IN_PROGRESS", true, "TIMED_OUT", typeof(ClientException), "is TIMED_OUT" },
        { "ROLLBACK_IN_PROGRESS", true, "FAILED", typeof(ClientException), "is ROLLBACK_IN_PROGRESS: only an IN_PROGRESS service deployment" },
        { "SUCCESSFUL", true, "SUCCEEDED", typeof(ClientException), "is SUCCESSFUL" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Continue_is_refused_unless_the_deployment_is_in_progress_and_its_hook_awaits_action(
        string deploymentStatus, bool ownHook, string hookStatus, Type error, string fragment)
    {
        var paused = Paused();
        var shift = paused with { Hooks = [paused.Hooks[0] with { Status = hookStatus }] };
        var state = State(shift);
        var deployment = Deployment(deploymentStatus, shift);

        var thrown = Record.Exception(() => PauseHooks.Resolve(state, deployment, ownHook ? shift.Hooks[0].HookId : "ecs-pause-other", "CONTINUE", T0));

        Assert.Equal(error, thrown?.GetType());
        Assert.Contains(fragment, thrown!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_finished_deployment_answers_from_its_stored_hook_details_once_its_shift_is_gone()
    {
        var shift = Paused() with { Hooks = [Paused().Hooks[0] with { Status = PauseHooks.Succeeded }] };
        var deployment = Deployment("SUCCESSFUL", shift);

        var thrown = Record.Exception(() => PauseHooks.Resolve(new SchedulerState(), deployment, shift.Hooks[0].HookId, "CONTINUE", T0));

        Assert.Equal(("ClientException", true), (thrown?.GetType().Name, thrown!.Message.Contains("is SUCCESSFUL", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_paused_shift_survives_the_store_with_its_hook_and_deadline()
    {
        var state = State(Paused());

        var json = JsonSerializer.Serialize(new ServiceRecord(ServiceFixture.Replica(2), state), StateJsonContext.Default.ServiceRecord);
        var read = JsonSerializer.Deserialize(json, StateJsonContext.Default.ServiceRecord)!.Scheduler;

        Assert.Equal(state.Shift, read.Shift);
        Assert.Equal(PauseHooks.AwaitingAction, read.Shift!.Hooks[0].Status);
        Assert.NotEqual(state.Shift, read.Shift! with { Hooks = [read.Shift.Hooks[0] with { Status = PauseHooks.Succeeded }] });
    }

    private static TrafficShiftState Paused() =>
        TrafficShift.Advance(TrafficShift.Start(ServiceFixture.DepNew, T0), Config("BLUE_GREEN", Hook(["POST_SCALE_UP"])), false, true, T0);

    private static SchedulerState State(TrafficShiftState shift) =>
        new() { Shift = shift, Links = [new DeploymentLink(ServiceFixture.DepNew, DeploymentArn, RevisionArn)] };

    private static ServiceDeployment Deployment(string status, TrafficShiftState shift) => new()
    {
        ServiceDeploymentArn = DeploymentArn,
        Status = status,
        TargetServiceRevision = new ServiceRevisionSummary { Arn = RevisionArn },
        LifecycleHookDetails = PauseHooks.Details(shift),
    };

    private static TrafficShiftState Answered(TrafficShiftState shift, string hookId, string? action, DateTimeOffset now)
    {
        return PauseHooks.Resolve(State(shift), Deployment("IN_PROGRESS", shift), hookId, action ?? "CONTINUE", now).Shift!;
    }
}
