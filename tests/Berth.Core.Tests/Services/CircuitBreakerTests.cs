using Berth.Core.Ecs;
using Berth.Core.Services;
using static Berth.Core.Tests.Services.ServiceFixture;

namespace Berth.Core.Tests.Services;

public class CircuitBreakerTests
{
    [Theory]
    [InlineData(0, 3)]
    [InlineData(1, 3)]
    [InlineData(6, 3)]
    [InlineData(7, 4)]
    [InlineData(25, 13)]
    [InlineData(400, 200)]
    [InlineData(800, 200)]
    public void Threshold_is_half_the_desired_count_rounded_up_between_3_and_200(int desired, int threshold)
    {
        Assert.Equal(threshold, CircuitBreaker.Threshold(desired));
    }

    private static Service Deploying(int desired, bool rollback = true, int failedTasks = 0) =>
        Replica(desired, NewPrimary() with { FailedTasks = failedTasks }, OldActive()).WithCircuitBreaker(rollback);

    [Fact]
    public void Tasks_that_never_reached_running_count_as_failed()
    {
        var plan = Plan(Snapshot(Deploying(10), [Running("o1"), FailedToStart("n1", DepNew), FailedToStart("n2", DepNew)]));

        Assert.Equal(2, plan.Dep(DepNew).FailedTasks);
    }

    [Fact]
    public void Tasks_stopped_for_failed_health_checks_count_as_failed()
    {
        var sick = Exited("n1", DepNew, startedAt: T0.AddMinutes(-2)) with
        {
            HasHealthCheck = true,
            HealthStatus = "UNHEALTHY",
            StopCode = "ServiceSchedulerInitiated",
            StoppedReason = "Task failed container health checks",
        };

        var plan = Plan(Snapshot(Deploying(10), [sick]));

        Assert.Equal(1, plan.Dep(DepNew).FailedTasks);
    }

    [Fact]
    public void Tasks_crashing_right_after_start_count_as_failed()
    {
        var crash = Exited("n1", DepNew, startedAt: T0.AddSeconds(-5), stoppedAt: T0);

        var plan = Plan(Snapshot(Deploying(10), [crash]));

        Assert.Equal(1, plan.Dep(DepNew).FailedTasks);
    }

    [Fact]
    public void Tasks_the_scheduler_or_a_user_stopped_are_not_failures()
    {
        var scaled = FailedToStart("n1", DepNew) with { StopCode = "ServiceSchedulerInitiated", StoppedReason = $"Scaling activity initiated by (deployment {DepNew})" };
        var user = FailedToStart("n2", DepNew) with { StopCode = "UserInitiated", StoppedReason = "Task stopped by user" };

        var plan = Plan(Snapshot(Deploying(10), [scaled, user]));

        Assert.Equal(0, plan.Dep(DepNew).FailedTasks);
    }

    [Fact]
    public void Failures_of_older_deployments_are_not_counted()
    {
        var plan = Plan(Snapshot(Deploying(10), [FailedToStart("o1", DepOld)]));

        Assert.Equal(0, plan.Dep(DepNew).FailedTasks);
    }

    [Fact]
    public void Failed_count_resets_once_a_task_of_the_deployment_runs_healthy()
    {
        var plan = Plan(Snapshot(Deploying(10, failedTasks: 2), [Running("n1", DepNew), FailedToStart("n2", DepNew)]));

        Assert.Equal(0, plan.Dep(DepNew).FailedTasks);
    }

    [Fact]
    public void Trips_at_the_threshold_and_rolls_back_to_the_last_completed_deployment()
    {
        var tasks = new[] { Running("o1"), Running("o2"), FailedToStart("n1", DepNew), FailedToStart("n2", DepNew), FailedToStart("n3", DepNew) };

        var plan = Plan(Snapshot(Deploying(2), tasks));

        var deployments = plan.Service.Deployments!;
        Assert.Equal(3, deployments.Count);
        var rollback = deployments[0];
        Assert.Equal((DeploymentStatuses.Primary, TaskDefV1, RolloutStates.InProgress), (rollback.Status, rollback.TaskDefinition, rollback.RolloutState));
        Assert.Equal($"ECS deployment circuit breaker: rolling back to deploymentId {DepOld}.", rollback.RolloutStateReason);
        Assert.Matches("^ecs-svc/[0-9]{19}$", rollback.Id);
        Assert.NotEqual(DepOld, rollback.Id);
        var failed = plan.Dep(DepNew);
        Assert.Equal((DeploymentStatuses.Active, RolloutStates.Failed), (failed.Status, failed.RolloutState));
        Assert.Equal("ECS deployment circuit breaker: tasks failed to start.", failed.RolloutStateReason);
        Assert.Equal(TaskDefV1, plan.Service.TaskDefinition);
    }

    [Fact]
    public void Rollback_writes_the_failure_and_rollback_events()
    {
        var tasks = new[] { FailedToStart("n1", DepNew), FailedToStart("n2", DepNew), FailedToStart("n3", DepNew) };

        var plan = Plan(Snapshot(Deploying(1), tasks));

        var messages = plan.Messages();
        var failedAt = messages.ToList().IndexOf($"(service web) (deployment {DepNew}) deployment failed: tasks failed to start.");
        var rollingAt = messages.ToList().IndexOf($"(service web) rolling back to deployment {DepOld}.");
        Assert.True(failedAt > rollingAt && rollingAt >= 0, string.Join("\n", messages));
    }

    [Fact]
    public void Rollback_launches_tasks_of_the_old_task_definition_at_once()
    {
        var tasks = new[] { FailedToStart("n1", DepNew), FailedToStart("n2", DepNew), FailedToStart("n3", DepNew) };

        var plan = Plan(Snapshot(Deploying(2), tasks));

        var start = Assert.Single(plan.Starts);
        Assert.Equal((plan.Service.Deployments![0].Id, TaskDefV1, 2), (start.DeploymentId, start.TaskDefinitionArn, start.Count));
    }

    [Fact]
    public void The_rollback_target_turns_in_progress_so_it_is_not_rolled_back_to_twice()
    {
        var tasks = new[] { FailedToStart("n1", DepNew), FailedToStart("n2", DepNew), FailedToStart("n3", DepNew) };

        var plan = Plan(Snapshot(Deploying(2), tasks));

        Assert.Equal(RolloutStates.InProgress, plan.Dep(DepOld).RolloutState);
    }

    [Fact]
    public void Below_the_threshold_the_deployment_keeps_trying()
    {
        var plan = Plan(Snapshot(Deploying(2), [FailedToStart("n1", DepNew), FailedToStart("n2", DepNew)]));

        Assert.Equal(RolloutStates.InProgress, plan.Dep(DepNew).RolloutState);
        Assert.Equal(DepNew, plan.Service.Deployments![0].Id);
    }

    [Fact]
    public void Without_rollback_the_deployment_fails_and_launches_nothing()
    {
        var tasks = new[] { Running("o1"), FailedToStart("n1", DepNew), FailedToStart("n2", DepNew), FailedToStart("n3", DepNew) };

        var plan = Plan(Snapshot(Deploying(2, rollback: false), tasks));

        var primary = plan.Service.Deployments![0];
        Assert.Equal((DepNew, DeploymentStatuses.Primary, RolloutStates.Failed), (primary.Id, primary.Status, primary.RolloutState));
        Assert.Empty(plan.Starts);
        Assert.Empty(plan.Stops);
        Assert.Contains($"(service web) (deployment {DepNew}) deployment failed: tasks failed to start.", plan.Messages());
    }

    [Fact]
    public void Without_a_completed_deployment_there_is_nothing_to_roll_back_to()
    {
        var service = Replica(2, NewPrimary()).WithCircuitBreaker(rollback: true);
        var tasks = new[] { FailedToStart("n1", DepNew), FailedToStart("n2", DepNew), FailedToStart("n3", DepNew) };

        var plan = Plan(Snapshot(service, tasks));

        Assert.Equal(RolloutStates.Failed, Assert.Single(plan.Service.Deployments!).RolloutState);
        Assert.Empty(plan.Starts);
    }

    [Fact]
    public void A_disabled_breaker_never_fails_a_deployment()
    {
        var service = Replica(2, NewPrimary() with { FailedTasks = 50 }, OldActive());

        var plan = Plan(Snapshot(service, [FailedToStart("n1", DepNew)]));

        Assert.Equal(RolloutStates.InProgress, plan.Dep(DepNew).RolloutState);
        Assert.Equal(51, plan.Dep(DepNew).FailedTasks);
    }

    [Fact]
    public void A_completed_deployment_does_not_trip()
    {
        var service = Replica(2, Deployment(DepOld) with { FailedTasks = 2 }).WithCircuitBreaker(rollback: true);

        var plan = Plan(Snapshot(service, [FailedToStart("a"), FailedToStart("b")]));

        Assert.Equal(RolloutStates.Completed, plan.Dep(DepOld).RolloutState);
    }

    [Fact]
    public void A_failed_deployment_does_not_fail_again()
    {
        var failed = NewPrimary() with { RolloutState = RolloutStates.Failed, FailedTasks = 3 };
        var service = Replica(2, failed, OldActive()).WithCircuitBreaker(rollback: false);

        var plan = Plan(Snapshot(service, [FailedToStart("n4", DepNew)]));

        Assert.DoesNotContain(plan.Messages(), m => m.Contains("deployment failed", StringComparison.Ordinal));
    }

    [Fact]
    public void The_rollback_id_is_the_same_when_the_same_snapshot_is_planned_again()
    {
        var snapshot = Snapshot(Deploying(2), [FailedToStart("n1", DepNew), FailedToStart("n2", DepNew), FailedToStart("n3", DepNew)]);

        Assert.Equal(Plan(snapshot).Service.Deployments![0].Id, Plan(snapshot).Service.Deployments![0].Id);
    }
}
