using Berth.Core.Alarms;
using Berth.Core.CloudWatch;
using Berth.Core.Ecs;
using Berth.Core.Services;
using static Berth.Core.Tests.Services.ServiceFixture;

namespace Berth.Core.Tests.Services;

/// <summary>Deployment alarms (deploymentConfiguration.alarms) of rolling deployments, through the planner.</summary>
public class DeploymentAlarmTests
{
    private const string Alarm = "web-5xx";
    private const string Rollback = "ecs-svc/3333333333333333333";

    private static Service Deploying(bool enable = true, bool rollback = true, int desired = 2) =>
        Replica(desired, NewPrimary(), OldActive() with { RolloutState = RolloutStates.Completed }) with
        {
            DeploymentConfiguration = new DeploymentConfiguration
            {
                MaximumPercent = 200,
                MinimumHealthyPercent = 100,
                Alarms = new DeploymentAlarms { AlarmNames = [Alarm, "web-latency"], Enable = enable, Rollback = rollback },
            },
        };

    private static DeploymentAlarmStates States(string state, int periodSeconds = 60, int evaluationPeriods = 1) =>
        DeploymentAlarmStates.Of([new MetricAlarm { AlarmName = Alarm, StateValue = state, Period = periodSeconds, EvaluationPeriods = evaluationPeriods }]);

    private static ServicePlan PlanWith(Service service, IEnumerable<ServiceTask> tasks, DeploymentAlarmStates alarms, SchedulerState? state = null, DateTimeOffset? now = null)
    {
        var snapshot = Snapshot(service, tasks);
        return Plan(snapshot with { Scheduler = state ?? snapshot.Scheduler, Alarms = alarms }, now);
    }

    private static ServiceTask[] Halfway => [Running("n1", DepNew), Running("o1"), Running("o2")];

    private static ServiceTask[] Steady => [Running("n1", DepNew), Running("n2", DepNew)];

    [Theory]
    [InlineData(true, AlarmStates.Alarm, true, true)]
    [InlineData(true, AlarmStates.Ok, true, false)]
    [InlineData(true, AlarmStates.InsufficientData, true, false)]
    [InlineData(false, AlarmStates.Alarm, true, false)]
    [InlineData(true, AlarmStates.Alarm, false, false)]
    public void A_named_alarm_in_alarm_fails_the_deployment_once_one_of_its_tasks_runs(bool enable, string state, bool newTaskRuns, bool fails)
    {
        ServiceTask[] tasks = newTaskRuns ? Halfway : [Pending("n1", DepNew), Running("o1"), Running("o2")];

        var plan = PlanWith(Deploying(enable, rollback: false), tasks, States(state));

        Assert.Equal(fails ? RolloutStates.Failed : RolloutStates.InProgress, plan.Dep(DepNew).RolloutState);
    }

    [Fact]
    public void With_rollback_the_service_returns_to_the_last_completed_deployment_as_the_circuit_breaker_does()
    {
        var plan = PlanWith(Deploying(), Halfway, States(AlarmStates.Alarm));

        var rollback = plan.Service.Deployments![0];
        Assert.Equal((DeploymentStatuses.Primary, TaskDefV1, RolloutStates.InProgress), (rollback.Status, rollback.TaskDefinition, rollback.RolloutState));
        Assert.Equal(DeploymentAlarmWatch.RollbackReason(DepOld), rollback.RolloutStateReason);
        var failed = plan.Dep(DepNew);
        Assert.Equal((DeploymentStatuses.Active, RolloutStates.Failed, $"ECS deployment alarms: alarm(s) {Alarm} in ALARM."),
            (failed.Status, failed.RolloutState, failed.RolloutStateReason));
        Assert.Equal(TaskDefV1, plan.Service.TaskDefinition);
        Assert.Equal(
            [$"(service web) rolling back to deployment {DepOld}.", $"(service web) (deployment {DepNew}) deployment failed: alarm(s) {Alarm} in ALARM."],
            plan.Messages().TakeLast(2));
        var trigger = Assert.Single(plan.Scheduler.AlarmTriggers);
        Assert.Equal(DepNew, trigger.DeploymentId);
        Assert.Equal([Alarm], trigger.AlarmNames);
    }

    [Fact]
    public void Without_rollback_the_failed_deployment_stays_primary_and_starts_nothing_more()
    {
        var plan = PlanWith(Deploying(rollback: false), Halfway, States(AlarmStates.Alarm));

        var failed = plan.Service.Deployments![0];
        Assert.Equal((DepNew, DeploymentStatuses.Primary, RolloutStates.Failed), (failed.Id, failed.Status, failed.RolloutState));
        Assert.Equal(0, plan.Started());
        Assert.Equal([$"(service web) (deployment {DepNew}) deployment failed: alarm(s) {Alarm} in ALARM."], plan.Messages());
    }

    [Fact]
    public void An_alarm_the_service_does_not_name_is_not_watched()
    {
        var other = DeploymentAlarmStates.Of([new MetricAlarm { AlarmName = "someone-elses", StateValue = AlarmStates.Alarm, Period = 60, EvaluationPeriods = 1 }]);

        var plan = PlanWith(Deploying(), Halfway, other);

        Assert.Equal(RolloutStates.InProgress, plan.Dep(DepNew).RolloutState);
    }

    [Fact]
    public void A_rollback_deployment_is_not_watched()
    {
        var sd = ServiceHistory.DeploymentArn(ServiceArn, DepNew);
        var service = Deploying() with
        {
            Deployments =
            [
                Deployment(Rollback, TaskDefV1, rollout: RolloutStates.InProgress),
                Deployment(DepNew, TaskDefV2, DeploymentStatuses.Active, RolloutStates.Failed),
            ],
        };
        var state = new SchedulerState
        {
            Links = [new DeploymentLink(DepNew, sd, "rev-2"), new DeploymentLink(Rollback, sd, "rev-1")],
            AnnouncedTasks = [TaskArn("r1"), TaskArn("n1")],
            StartFailuresDeploymentId = Rollback,
        };

        var plan = PlanWith(service, [Running("r1", Rollback), Running("n1", DepNew)], States(AlarmStates.Alarm), state);

        Assert.Equal(RolloutStates.InProgress, plan.Dep(Rollback).RolloutState);
    }

    [Fact]
    public void A_steady_rolling_deployment_bakes_before_it_completes()
    {
        var plan = PlanWith(Deploying(), Steady, States(AlarmStates.Ok, periodSeconds: 60, evaluationPeriods: 3));

        Assert.Equal(RolloutStates.InProgress, plan.Dep(DepNew).RolloutState);
        Assert.Equal(new AlarmBake(DepNew, T0), plan.Scheduler.AlarmBake);
        Assert.DoesNotContain(plan.Messages(), m => m.Contains("deployment completed", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(179, false)]
    [InlineData(180, true)]
    [InlineData(600, true)]
    public void The_bake_time_is_the_longest_evaluation_window_of_the_alarms(int steadyForSeconds, bool completes)
    {
        var state = Snapshot(Deploying(), Steady).Scheduler with { AlarmBake = new AlarmBake(DepNew, T0.AddSeconds(-steadyForSeconds)) };

        var plan = PlanWith(Deploying(), Steady, States(AlarmStates.Ok, periodSeconds: 60, evaluationPeriods: 3), state);

        Assert.Equal(completes ? RolloutStates.Completed : RolloutStates.InProgress, plan.Dep(DepNew).RolloutState);
        Assert.Equal(completes ? null : state.AlarmBake, plan.Scheduler.AlarmBake);
    }

    [Fact]
    public void An_alarm_during_the_bake_time_still_fails_the_deployment()
    {
        var state = Snapshot(Deploying(), Steady).Scheduler with { AlarmBake = new AlarmBake(DepNew, T0.AddSeconds(-30)) };

        var plan = PlanWith(Deploying(), Steady, States(AlarmStates.Alarm), state);

        Assert.Equal(RolloutStates.Failed, plan.Dep(DepNew).RolloutState);
        Assert.Null(plan.Scheduler.AlarmBake);
    }

    [Fact]
    public void The_bake_starts_over_when_the_deployment_stops_being_steady()
    {
        var state = Snapshot(Deploying(), Steady).Scheduler with { AlarmBake = new AlarmBake(DepNew, T0.AddSeconds(-30)) };

        var plan = PlanWith(Deploying(), [Running("n1", DepNew), Pending("n2", DepNew)], States(AlarmStates.Ok), state);

        Assert.Null(plan.Scheduler.AlarmBake);
        Assert.Equal(RolloutStates.InProgress, plan.Dep(DepNew).RolloutState);
    }

    [Fact]
    public void Without_existing_alarms_there_is_no_bake_time()
    {
        var plan = PlanWith(Deploying(), Steady, DeploymentAlarmStates.None);

        Assert.Equal(RolloutStates.Completed, plan.Dep(DepNew).RolloutState);
        Assert.Null(plan.Scheduler.AlarmBake);
    }

    [Fact]
    public void Alarms_are_read_only_while_a_primary_is_in_progress()
    {
        Assert.Equal([Alarm, "web-latency"], ServicePlanner.AlarmsToRead(Deploying()));
        Assert.Empty(ServicePlanner.AlarmsToRead(Deploying(enable: false)));
        Assert.Empty(ServicePlanner.AlarmsToRead(Deploying() with { Deployments = [Deployment(DepNew)] }));
    }
}
