using Berth.Core.Ecs;
using Berth.Core.Elb;
using Berth.Core.Services;
using Berth.Core.Tasks;
using static Berth.Core.Tests.Services.ServiceFixture;
using LoadBalancer = Berth.Core.Ecs.LoadBalancer;

namespace Berth.Core.Tests.Services;

/// <summary>A service behind one (or two) target groups: registration, draining, ELB health in the deployment.</summary>
public class LoadBalancedServiceTests
{
    private const string Tg = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/73e2d6bc24d8a067";
    private const string Tg2 = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api-tg/0123456789abcdef";

    private static Service Balanced(int desired, params Deployment[] deployments) =>
        Replica(desired, deployments) with { LoadBalancers = [new LoadBalancer { TargetGroupArn = Tg, ContainerName = "web", ContainerPort = 80 }] };

    /// <summary>A task as a target of <see cref="Tg"/> at 10.0.0.{n}:80, in the given ELB state (null: not registered).</summary>
    private static ServiceTask Targeted(ServiceTask task, int n, string? state, string group = Tg) =>
        task with { Targets = [.. task.Targets, Target(n, state, group)] };

    private static TaskTarget Target(int n, string? state, string group = Tg) =>
        state == TargetHealthStates.Unhealthy
            ? new(group, $"10.0.0.{n}", 80, state, TargetHealthReasons.ResponseCodeMismatch, "Health checks failed with these codes: [500]")
            : new(group, $"10.0.0.{n}", 80, state, null, null);

    private static ServiceTask Deactivating(string id, int n, string? state) =>
        Targeted(Running(id) with { LastStatus = TaskStatuses.Deactivating, DesiredStatus = TaskStatuses.Stopped, StoppedReason = "Scaling activity initiated by (deployment x)" }, n, state);

    [Fact]
    public void A_running_task_is_registered_at_its_address()
    {
        var plan = Plan(Snapshot(Balanced(1, Deployment(DepOld)), [Targeted(Running("a"), 1, null)]));

        Assert.Equal([new TargetChange(Tg, TaskArn("a"), "10.0.0.1", 80)], plan.Registrations);
        Assert.Contains($"(service web) registered 1 targets in (target-group {Tg})", plan.Messages());
    }

    [Fact]
    public void A_task_without_an_address_yet_or_not_running_is_not_registered()
    {
        var noAddress = Running("a") with { Targets = [new TaskTarget(Tg, null, null, null, null, null)] };
        var pending = Targeted(Pending("b"), 2, null);

        var plan = Plan(Snapshot(Balanced(2, Deployment(DepOld)), [noAddress, pending]));

        Assert.Empty(plan.Registrations);
    }

    [Fact]
    public void A_registered_task_is_registered_only_once()
    {
        var plan = Plan(Snapshot(Balanced(1, Deployment(DepOld)), [Targeted(Running("a"), 1, TargetHealthStates.Initial)]));

        Assert.Empty(plan.Registrations);
    }

    [Fact]
    public void Each_target_group_of_the_service_gets_the_task()
    {
        var task = Targeted(Targeted(Running("a"), 1, TargetHealthStates.Healthy), 1, null, Tg2);

        var plan = Plan(Snapshot(Balanced(1, Deployment(DepOld)), [task]));

        Assert.Equal([new TargetChange(Tg2, TaskArn("a"), "10.0.0.1", 80)], plan.Registrations);
    }

    [Fact]
    public void Scaling_in_deregisters_the_task_and_deactivates_it_instead_of_stopping_it()
    {
        var tasks = new[] { Targeted(Running("a"), 1, TargetHealthStates.Healthy), Targeted(Running("b", startedAt: LongAgo.AddMinutes(1)), 2, TargetHealthStates.Healthy) };

        var plan = Plan(Snapshot(Balanced(1, Deployment(DepOld)), tasks));

        Assert.Empty(plan.Stops);
        var deactivation = Assert.Single(plan.Deactivations);
        Assert.Equal(TaskArn("b"), deactivation.TaskArn);
        Assert.Equal([new TargetChange(Tg, TaskArn("b"), "10.0.0.2", 80)], plan.Deregistrations);
        Assert.Contains("(service web) has begun draining connections on 1 tasks.", plan.Messages());
        Assert.Contains($"(service web) deregistered 1 targets in (target-group {Tg})", plan.Messages());
        Assert.DoesNotContain(plan.Messages(), m => m.Contains("has stopped", StringComparison.Ordinal));
    }

    [Fact]
    public void A_pending_task_that_was_never_registered_stops_at_once()
    {
        var tasks = new[] { Targeted(Running("a"), 1, TargetHealthStates.Healthy), Targeted(Pending("b"), 2, null) };

        var plan = Plan(Snapshot(Balanced(1, Deployment(DepOld)), tasks));

        Assert.Equal(["b"], plan.StoppedIds());
        Assert.Empty(plan.Deactivations);
        Assert.Empty(plan.Deregistrations);
    }

    [Theory]
    [InlineData(TargetHealthStates.Draining, false)]
    [InlineData(null, true)]
    public void A_deactivating_task_stops_once_its_targets_finished_draining(string? state, bool stops)
    {
        var tasks = new[] { Targeted(Running("a"), 1, TargetHealthStates.Healthy), Deactivating("b", 2, state) };

        var plan = Plan(Snapshot(Balanced(1, Deployment(DepOld)), tasks));

        Assert.Equal(stops ? ["b"] : [], plan.StoppedIds());
        Assert.Empty(plan.Deregistrations);
        Assert.Equal(stops, plan.Messages().Contains($"(service web) has stopped 1 running tasks: (task b)."));
    }

    [Fact]
    public void A_deactivating_task_still_registered_is_deregistered_again()
    {
        var tasks = new[] { Targeted(Running("a"), 1, TargetHealthStates.Healthy), Deactivating("b", 2, TargetHealthStates.Healthy) };

        var plan = Plan(Snapshot(Balanced(1, Deployment(DepOld)), tasks));

        Assert.Equal([new TargetChange(Tg, TaskArn("b"), "10.0.0.2", 80)], plan.Deregistrations);
        Assert.Empty(plan.Stops);
    }

    [Fact]
    public void A_task_that_stopped_while_registered_is_deregistered()
    {
        var crashed = Targeted(Exited("b"), 2, TargetHealthStates.Healthy);

        var plan = Plan(Snapshot(Balanced(1, Deployment(DepOld)), [Targeted(Running("a"), 1, TargetHealthStates.Healthy), crashed]));

        Assert.Equal([new TargetChange(Tg, TaskArn("b"), "10.0.0.2", 80)], plan.Deregistrations);
    }

    [Fact]
    public void An_address_a_running_task_now_uses_is_not_deregistered_for_the_task_that_had_it()
    {
        var crashed = Targeted(Exited("b"), 1, TargetHealthStates.Healthy);

        var plan = Plan(Snapshot(Balanced(1, Deployment(DepOld)), [Targeted(Running("a"), 1, TargetHealthStates.Healthy), crashed]));

        Assert.Empty(plan.Deregistrations);
    }

    [Theory]
    [InlineData(TargetHealthStates.Initial, false)]
    [InlineData(TargetHealthStates.Unhealthy, false)]
    [InlineData(TargetHealthStates.Healthy, true)]
    public void A_rolling_deployment_drains_old_tasks_only_once_new_targets_are_healthy(string newState, bool drains)
    {
        // Long past the 40-second warm-up that would count a task without a load balancer.
        var service = Balanced(1, NewPrimary(), OldActive()).WithBounds(200, 100) with { HealthCheckGracePeriodSeconds = 7200 };
        var tasks = new[] { Targeted(Running("o1"), 1, TargetHealthStates.Healthy), Targeted(Running("n1", DepNew), 2, newState) };

        var plan = Plan(Snapshot(service, tasks));

        Assert.Equal(drains ? [TaskArn("o1")] : [], plan.Deactivations.Select(d => d.TaskArn));
    }

    /// <summary>Three old tasks, started seconds ago, whose targets are in the given state (null: not registered yet).</summary>
    private static IEnumerable<ServiceTask> Starting(string? state, int count = 3) =>
        Enumerable.Range(1, count).Select(i => Targeted(Running($"o{i}", startedAt: T0.AddSeconds(-5)), i, state));

    private static IEnumerable<ServiceTask> New(string state, int count) =>
        Enumerable.Range(1, count).Select(i => Targeted(Running($"n{i}", DepNew, startedAt: T0.AddSeconds(-2)), 10 + i, state));

    [Theory]
    [InlineData(TargetHealthStates.Initial)]
    [InlineData(null)]
    public void A_deployment_begun_while_the_targets_are_initial_starts_new_tasks_and_keeps_the_old_ones(string? state)
    {
        // ELB fails open while no target is healthy: the old tasks serve every request until new targets are healthy.
        var plan = Plan(Snapshot(Balanced(3, NewPrimary(), OldActive()), Starting(state)));

        Assert.Equal(3, plan.Started());
        Assert.Empty(plan.Deactivations);
        Assert.Empty(plan.Stops);
        Assert.Equal(state is null ? 3 : 0, plan.Registrations.Count);
    }

    [Theory]
    [InlineData(100, 3, TargetHealthStates.Initial, 0)]
    [InlineData(100, 3, TargetHealthStates.Unhealthy, 0)]
    [InlineData(100, 2, TargetHealthStates.Healthy, 0)]
    [InlineData(100, 3, TargetHealthStates.Healthy, 3)]
    [InlineData(50, 1, TargetHealthStates.Healthy, 0)]
    [InlineData(50, 2, TargetHealthStates.Healthy, 3)]
    [InlineData(0, 0, TargetHealthStates.Initial, 3)]
    public void Old_tasks_whose_targets_are_initial_go_only_once_the_minimum_is_healthy_without_them(
        int minimumHealthyPercent, int newTasks, string newState, int deactivated)
    {
        var service = Balanced(3, NewPrimary(), OldActive()).WithBounds(200, minimumHealthyPercent) with { HealthCheckGracePeriodSeconds = 7200 };

        var plan = Plan(Snapshot(service, [.. Starting(TargetHealthStates.Initial), .. New(newState, newTasks)]));

        Assert.Equal(deactivated, plan.Deactivations.Count);
        Assert.Empty(plan.Stops);
    }

    [Fact]
    public void An_old_task_whose_target_failed_is_not_kept_for_the_minimum()
    {
        var service = Balanced(1, NewPrimary(), OldActive()) with { HealthCheckGracePeriodSeconds = 7200 };

        var plan = Plan(Snapshot(service, [Targeted(Running("o1", startedAt: T0.AddSeconds(-5)), 1, TargetHealthStates.Unhealthy)]));

        Assert.Equal([TaskArn("o1")], plan.Deactivations.Select(d => d.TaskArn));
    }

    [Fact]
    public void A_task_is_healthy_only_when_healthy_in_every_target_group()
    {
        var service = Balanced(1, NewPrimary(), OldActive()).WithBounds(200, 100);
        var half = Targeted(Targeted(Running("n1", DepNew), 2, TargetHealthStates.Healthy), 2, TargetHealthStates.Initial, Tg2);
        var tasks = new[] { Targeted(Running("o1"), 1, TargetHealthStates.Healthy), half };

        Assert.Empty(Plan(Snapshot(service, tasks)).Deactivations);
    }

    [Fact]
    public void A_container_health_check_must_pass_as_well_as_the_target_group()
    {
        var service = Balanced(1, NewPrimary(), OldActive()).WithBounds(200, 100);
        var tasks = new[]
        {
            Targeted(Running("o1"), 1, TargetHealthStates.Healthy),
            Targeted(Running("n1", DepNew, healthCheck: true, health: "UNKNOWN"), 2, TargetHealthStates.Healthy),
        };

        Assert.Empty(Plan(Snapshot(service, tasks)).Deactivations);
    }

    [Fact]
    public void The_rollout_completes_only_after_the_old_tasks_drained_and_stopped()
    {
        var service = Balanced(1, NewPrimary(), OldActive());
        var tasks = new[] { Deactivating("o1", 1, TargetHealthStates.Draining), Targeted(Running("n1", DepNew), 2, TargetHealthStates.Healthy) };

        var plan = Plan(Snapshot(service, tasks));

        Assert.Equal(RolloutStates.InProgress, plan.Dep(DepNew).RolloutState);
    }

    [Theory]
    [InlineData(10, true)]
    [InlineData(7200, false)]
    public void A_target_unhealthy_after_the_grace_period_gets_its_task_replaced(int graceSeconds, bool replaced)
    {
        var service = Balanced(1, Deployment(DepOld)) with { HealthCheckGracePeriodSeconds = graceSeconds };

        var plan = Plan(Snapshot(service, [Targeted(Running("a"), 1, TargetHealthStates.Unhealthy)]));

        // maximumPercent 200 leaves room: the replacement starts first, the unhealthy task goes once it is healthy.
        Assert.Equal(replaced ? 1 : 0, plan.Started());
        Assert.Empty(plan.Deactivations);
    }

    [Fact]
    public void An_unhealthy_target_stops_its_task_with_ecs_reason_and_event()
    {
        var service = Balanced(1, Deployment(DepOld)).WithBounds(100, 0);

        var plan = Plan(Snapshot(service, [Targeted(Running("a"), 1, TargetHealthStates.Unhealthy)]));

        var deactivation = Assert.Single(plan.Deactivations);
        Assert.Equal($"Task failed ELB health checks in (target-group {Tg})", deactivation.Reason);
        Assert.Contains(
            $"(service web) (task a) (port 80) is unhealthy in (target-group {Tg}) due to (reason Health checks failed with these codes: [500]).",
            plan.Messages());
    }

    [Fact]
    public void An_instance_target_names_its_instance_in_the_unhealthy_event()
    {
        var target = new TaskTarget(Tg, "i-0123456789abcdef0", 32768, TargetHealthStates.Unhealthy, TargetHealthReasons.Timeout, "Request timed out");

        Assert.Equal(
            $"(service web) (task a) (instance i-0123456789abcdef0) (port 32768) is unhealthy in (target-group {Tg}) due to (reason Request timed out).",
            ServiceEvents.UnhealthyInTargetGroup("web", TaskArn("a"), target));
    }

    [Fact]
    public void Tasks_stopped_for_failing_elb_health_checks_count_as_deployment_failures()
    {
        var failed = Exited("a", stoppedAt: T0) with { StoppedReason = $"Task failed ELB health checks in (target-group {Tg})", StopCode = "ServiceSchedulerInitiated" };

        Assert.True(ServiceTaskState.FailedInDeployment(failed));
    }
}
