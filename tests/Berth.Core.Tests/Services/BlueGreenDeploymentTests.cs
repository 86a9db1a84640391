using Berth.Core.Alarms;
using Berth.Core.CloudWatch;
using Berth.Core.Ecs;
using Berth.Core.Services;
using static Berth.Core.Tests.Services.ServiceFixture;

namespace Berth.Core.Tests.Services;

/// <summary>BLUE_GREEN, LINEAR and CANARY deployments through the planner, round by round with a fake clock.</summary>
public class BlueGreenDeploymentTests
{
    private const string BlueGroup = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/blue/1";
    private const string GreenGroup = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/green/2";
    private const string Production = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/lb/1/2/prod";
    private const string Test = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/lb/1/2/test";

    private static Service Shifting(string strategy, int bake = 0, params Deployment[] deployments) => Replica(2, deployments) with
    {
        DeploymentConfiguration = new DeploymentConfiguration
        {
            Strategy = strategy,
            BakeTimeInMinutes = bake,
            MaximumPercent = 100,
            MinimumHealthyPercent = 100,
            CanaryConfiguration = strategy == "CANARY" ? new CanaryConfiguration { CanaryPercent = 10, CanaryBakeTimeInMinutes = 1 } : null,
        },
        LoadBalancers =
        [
            new LoadBalancer
            {
                TargetGroupArn = BlueGroup, ContainerName = "web", ContainerPort = 80,
                AdvancedConfiguration = new AdvancedConfiguration { AlternateTargetGroupArn = GreenGroup, ProductionListenerRule = Production, TestListenerRule = Test },
            },
        ],
    };

    /// <summary>A RUNNING task registered and healthy in the target group its deployment's side names.</summary>
    private static ServiceTask Serving(string id, string deployment, SchedulerState state) =>
        Running(id, deployment) with
        {
            Targets = [new TaskTarget(TrafficShift.IsAlternate(state, deployment) ? GreenGroup : BlueGroup, $"10.0.0.{id.Length}", 80, "healthy", null, null)],
        };

    private static IReadOnlyDictionary<string, int> Weights(ServicePlan plan, string rule) =>
        plan.RuleForwards.Single(f => f.RuleArn == rule).TargetGroups.ToDictionary(g => g.TargetGroupArn, g => g.Weight);

    private static ServiceSnapshot Snap(Service service, SchedulerState state, params ServiceTask[] tasks) =>
        Snapshot(service, tasks, state: state with { AnnouncedTasks = [.. tasks.Select(t => t.TaskArn)], StartFailuresDeploymentId = DepNew });

    [Fact]
    public void Green_starts_at_full_size_in_the_alternate_group_while_blue_keeps_all_production_traffic()
    {
        var service = Shifting("BLUE_GREEN", 0, NewPrimary(), OldActive());
        var state = new SchedulerState { Sides = [new DeploymentSide(DepOld, false)] };

        var plan = Plan(Snap(service, state, Serving("b1", DepOld, state), Serving("b2", DepOld, state)));

        Assert.Equal(2, plan.Started());
        Assert.Empty(plan.Stops);
        Assert.Empty(plan.Deactivations);
        Assert.Equal((DepNew, TrafficShift.ScaleUp), (plan.Scheduler.Shift!.GreenDeploymentId, plan.Scheduler.Shift.Stage));
        Assert.True(TrafficShift.IsAlternate(plan.Scheduler, DepNew));
        Assert.Equal(new Dictionary<string, int> { [BlueGroup] = 100, [GreenGroup] = 0 }, Weights(plan, Production));
        Assert.Equal(new Dictionary<string, int> { [BlueGroup] = 100, [GreenGroup] = 0 }, Weights(plan, Test));
    }

    [Fact]
    public void A_healthy_green_takes_test_and_production_traffic_and_blue_drains_after_the_bake_time()
    {
        var service = Shifting("BLUE_GREEN", 5, NewPrimary(), OldActive());
        var state = new SchedulerState
        {
            Sides = [new DeploymentSide(DepOld, false), new DeploymentSide(DepNew, true)],
            Shift = TrafficShift.Start(DepNew, T0.AddMinutes(-1)) with { Stage = TrafficShift.ScaleUp },
        };
        ServiceTask[] tasks = [Serving("b1", DepOld, state), Serving("b2", DepOld, state), Serving("g1", DepNew, state), Serving("g2", DepNew, state)];

        var shifted = Plan(Snap(service, state, tasks));

        Assert.Equal(TrafficShift.BakeTime, shifted.Scheduler.Shift!.Stage);
        Assert.Equal(new Dictionary<string, int> { [BlueGroup] = 0, [GreenGroup] = 100 }, Weights(shifted, Production));
        Assert.Equal(new Dictionary<string, int> { [BlueGroup] = 0, [GreenGroup] = 100 }, Weights(shifted, Test));
        Assert.Empty(shifted.Deactivations);

        var baking = Plan(Snap(shifted.Service, shifted.Scheduler, tasks), T0.AddMinutes(4));
        Assert.Empty(baking.Deactivations);

        var cleanUp = Plan(Snap(shifted.Service, shifted.Scheduler, tasks), T0.AddMinutes(5));
        Assert.Equal(TrafficShift.CleanUp, cleanUp.Scheduler.Shift!.Stage);
        Assert.Equal(["b1", "b2"], cleanUp.Deactivations.Select(d => d.TaskArn[(d.TaskArn.LastIndexOf('/') + 1)..]).Order());
        Assert.All(cleanUp.Deregistrations, d => Assert.Equal(BlueGroup, d.TargetGroupArn));
    }

    [Fact]
    public void Once_blue_is_gone_the_deployment_completes_and_the_target_groups_swap_roles()
    {
        var service = Shifting("BLUE_GREEN", 0, NewPrimary(), OldActive());
        var state = new SchedulerState
        {
            Sides = [new DeploymentSide(DepOld, false), new DeploymentSide(DepNew, true)],
            Shift = TrafficShift.Start(DepNew, T0.AddMinutes(-1)) with { Stage = TrafficShift.CleanUp, GreenPercent = 100 },
        };

        var plan = Plan(Snap(service, state, Serving("g1", DepNew, state), Serving("g2", DepNew, state)));

        Assert.Equal(RolloutStates.Completed, plan.Dep(DepNew).RolloutState);
        Assert.Null(plan.Scheduler.Shift);
        Assert.True(plan.Scheduler.ProductionOnAlternate);
        Assert.Equal(new Dictionary<string, int> { [BlueGroup] = 0, [GreenGroup] = 100 }, Weights(plan, Production));

        // The next deployment's green starts in the group the last blue used.
        var next = Shifting("BLUE_GREEN", 0, Deployment("ecs-svc/3333333333333333333", TaskDefV1, rollout: RolloutStates.InProgress), plan.Dep(DepNew) with { Status = DeploymentStatuses.Active });
        var again = Plan(Snap(next, plan.Scheduler, Serving("g1", DepNew, plan.Scheduler), Serving("g2", DepNew, plan.Scheduler)));
        Assert.False(TrafficShift.IsAlternate(again.Scheduler, "ecs-svc/3333333333333333333"));
        Assert.Equal(new Dictionary<string, int> { [BlueGroup] = 0, [GreenGroup] = 100 }, Weights(again, Production));
    }

    [Fact]
    public void Canary_gives_green_its_share_and_the_rest_after_the_canary_bake_time()
    {
        var service = Shifting("CANARY", 0, NewPrimary(), OldActive());
        var state = new SchedulerState
        {
            Sides = [new DeploymentSide(DepOld, false), new DeploymentSide(DepNew, true)],
            Shift = TrafficShift.Start(DepNew, T0.AddMinutes(-1)) with { Stage = TrafficShift.ScaleUp },
        };
        ServiceTask[] tasks = [Serving("b1", DepOld, state), Serving("b2", DepOld, state), Serving("g1", DepNew, state), Serving("g2", DepNew, state)];

        var canary = Plan(Snap(service, state, tasks));
        Assert.Equal(new Dictionary<string, int> { [BlueGroup] = 90, [GreenGroup] = 10 }, Weights(canary, Production));
        Assert.Empty(canary.Deactivations);

        var rest = Plan(Snap(canary.Service, canary.Scheduler, tasks), T0.AddMinutes(1));
        Assert.Equal(new Dictionary<string, int> { [BlueGroup] = 0, [GreenGroup] = 100 }, Weights(rest, Production));
    }

    [Fact]
    public void A_circuit_breaker_rollback_sends_traffic_back_to_blue_and_drains_green()
    {
        var service = Shifting("BLUE_GREEN", 0, NewPrimary() with { FailedTasks = 3 }, OldActive() with { RolloutState = RolloutStates.Completed })
            .WithCircuitBreaker(rollback: true);
        var state = new SchedulerState
        {
            Sides = [new DeploymentSide(DepOld, false), new DeploymentSide(DepNew, true)],
            Shift = TrafficShift.Start(DepNew, T0.AddMinutes(-1)) with { Stage = TrafficShift.ProductionTrafficShift, GreenPercent = 10, StepAt = T0 },
        };
        var green = Serving("g1", DepNew, state) with { Targets = [new TaskTarget(GreenGroup, "10.0.0.9", 80, "unhealthy", null, null)] };

        var plan = Plan(Snap(service, state, Serving("b1", DepOld, state), Serving("b2", DepOld, state), green));

        Assert.Equal(RolloutStates.Failed, plan.Dep(DepNew).RolloutState);
        Assert.Equal(new Dictionary<string, int> { [BlueGroup] = 100, [GreenGroup] = 0 }, Weights(plan, Production));
        Assert.Equal(new Dictionary<string, int> { [BlueGroup] = 100, [GreenGroup] = 0 }, Weights(plan, Test));
        var rollback = plan.Service.Deployments![0];
        Assert.False(TrafficShift.IsAlternate(plan.Scheduler, rollback.Id));
        Assert.Contains(plan.Stops.Concat(plan.Deactivations), s => s.TaskArn == green.TaskArn);
    }

    [Fact]
    public void A_deployment_alarm_mid_shift_sends_traffic_back_to_blue_and_rolls_back()
    {
        var service = Shifting("BLUE_GREEN", 5, NewPrimary(), OldActive() with { RolloutState = RolloutStates.Completed });
        service = service with
        {
            DeploymentConfiguration = service.DeploymentConfiguration! with
            {
                Alarms = new DeploymentAlarms { AlarmNames = ["green-5xx"], Enable = true, Rollback = true },
            },
        };
        var state = new SchedulerState
        {
            Sides = [new DeploymentSide(DepOld, false), new DeploymentSide(DepNew, true)],
            Shift = TrafficShift.Start(DepNew, T0.AddMinutes(-1)) with { Stage = TrafficShift.BakeTime, GreenPercent = 100, StepAt = T0.AddMinutes(4) },
        };
        var alarms = DeploymentAlarmStates.Of(
            [new MetricAlarm { AlarmName = "green-5xx", StateValue = AlarmStates.Alarm, Period = 60, EvaluationPeriods = 1 }]);
        var green = Serving("g1", DepNew, state);

        var plan = Plan(Snap(service, state, Serving("b1", DepOld, state), Serving("b2", DepOld, state), green, Serving("g2", DepNew, state)) with { Alarms = alarms });

        Assert.Equal((RolloutStates.Failed, "ECS deployment alarms: alarm(s) green-5xx in ALARM."), (plan.Dep(DepNew).RolloutState, plan.Dep(DepNew).RolloutStateReason));
        Assert.Equal(new Dictionary<string, int> { [BlueGroup] = 100, [GreenGroup] = 0 }, Weights(plan, Production));
        Assert.Equal(TaskDefV1, plan.Service.Deployments![0].TaskDefinition);
        Assert.Contains(plan.Stops.Concat(plan.Deactivations), s => s.TaskArn == green.TaskArn);
    }

    [Fact]
    public void A_rolling_service_gets_no_rule_rewrites_and_a_first_deployment_no_shift()
    {
        var rolling = Shifting("ROLLING", 0, NewPrimary(), OldActive());
        Assert.Empty(Plan(Snap(rolling, new SchedulerState(), Serving("b1", DepOld, new SchedulerState()))).RuleForwards);

        var first = Plan(Snap(Shifting("BLUE_GREEN", 0, NewPrimary()), new SchedulerState()));
        Assert.Null(first.Scheduler.Shift);
        Assert.Equal(2, first.Started());
        Assert.Equal(new Dictionary<string, int> { [BlueGroup] = 100, [GreenGroup] = 0 }, Weights(first, Production));
    }

    private static Service Paused(Service service, string stage) => service with
    {
        DeploymentConfiguration = service.DeploymentConfiguration! with
        {
            LifecycleHooks = [new DeploymentLifecycleHook { TargetType = "PAUSE", LifecycleStages = [stage] }],
        },
    };

    [Fact]
    public void A_pre_scale_up_pause_starts_no_green_task_until_it_is_continued()
    {
        var service = Paused(Shifting("BLUE_GREEN", 0, NewPrimary(), OldActive()), "PRE_SCALE_UP");
        var state = new SchedulerState { Sides = [new DeploymentSide(DepOld, false)] };
        ServiceTask[] blue = [Serving("b1", DepOld, state), Serving("b2", DepOld, state)];

        var paused = Plan(Snap(service, state, blue));
        Assert.Equal(0, paused.Started());
        Assert.Equal((TrafficShift.PreScaleUp, PauseHooks.AwaitingAction), (paused.Scheduler.Shift!.Stage, paused.Scheduler.Shift.Hooks[0].Status));
        Assert.Equal(0, Plan(Snap(paused.Service, paused.Scheduler, blue), T0.AddHours(1)).Started());

        var continued = paused.Scheduler with
        {
            Shift = paused.Scheduler.Shift with { Hooks = [paused.Scheduler.Shift.Hooks[0] with { Status = PauseHooks.Succeeded }] },
        };
        var resumed = Plan(Snap(paused.Service, continued, blue), T0.AddMinutes(1));
        Assert.Equal(2, resumed.Started());
        Assert.Equal(TrafficShift.ScaleUp, resumed.Scheduler.Shift!.Stage);
    }

    [Fact]
    public void A_rollback_answer_after_the_production_shift_sends_traffic_back_to_blue_without_a_new_shift()
    {
        var service = Paused(Shifting("BLUE_GREEN", 0, NewPrimary(), OldActive() with { RolloutState = RolloutStates.Completed }), "POST_PRODUCTION_TRAFFIC_SHIFT");
        var state = new SchedulerState
        {
            Sides = [new DeploymentSide(DepOld, false), new DeploymentSide(DepNew, true)],
            Shift = TrafficShift.Start(DepNew, T0.AddMinutes(-1)) with { Stage = TrafficShift.ScaleUp },
        };
        ServiceTask[] tasks = [Serving("b1", DepOld, state), Serving("b2", DepOld, state), Serving("g1", DepNew, state), Serving("g2", DepNew, state)];

        var paused = Plan(Snap(service, state, tasks));
        Assert.Equal(TrafficShift.PostProductionTrafficShift, paused.Scheduler.Shift!.Stage);
        Assert.Equal(new Dictionary<string, int> { [BlueGroup] = 0, [GreenGroup] = 100 }, Weights(paused, Production));
        Assert.Empty(paused.Deactivations);

        var answered = paused.Scheduler with
        {
            Shift = paused.Scheduler.Shift with { Hooks = [paused.Scheduler.Shift.Hooks[0] with { Status = PauseHooks.Failed }] },
        };
        var rolledBack = Plan(Snap(paused.Service, answered, tasks), T0.AddMinutes(1));

        Assert.Equal(RolloutStates.Failed, rolledBack.Dep(DepNew).RolloutState);
        Assert.Contains("ContinueServiceDeployment rolled back the PAUSE lifecycle hook", rolledBack.Dep(DepNew).RolloutStateReason, StringComparison.Ordinal);
        Assert.Equal(TaskDefV1, rolledBack.Service.Deployments![0].TaskDefinition);
        Assert.Equal(new Dictionary<string, int> { [BlueGroup] = 100, [GreenGroup] = 0 }, Weights(rolledBack, Production));

        var greenGone = Plan(Snap(rolledBack.Service, rolledBack.Scheduler, tasks[0], tasks[1]), T0.AddMinutes(2));
        Assert.Null(greenGone.Scheduler.Shift);
        Assert.False(TrafficShift.IsAlternate(greenGone.Scheduler, greenGone.Service.Deployments![0].Id));
    }
}
