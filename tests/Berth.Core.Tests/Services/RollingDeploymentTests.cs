using Berth.Core.Services;
using static Berth.Core.Tests.Services.ServiceFixture;

namespace Berth.Core.Tests.Services;

public class RollingDeploymentTests
{
    /// <summary>Runs a deployment of 4 tasks (health-checked, healthy as soon as RUNNING) and records each step's starts and stops.</summary>
    private static List<(int Starts, int Stops)> Steps(int maximumPercent, int minimumHealthyPercent)
    {
        var service = Replica(4, NewPrimary(), OldActive()).WithBounds(maximumPercent, minimumHealthyPercent);
        var old = Enumerable.Range(1, 4).Select(i => Running($"old{i}", healthCheck: true));
        var sim = new ServiceSimulation(service, old, healthChecks: true);
        sim.RunToCompletion(_ => { });
        return [.. sim.Plans.Select(p => (p.Started(), p.Stops.Count))];
    }

    [Fact]
    public void Max_200_min_50_starts_all_new_tasks_and_stops_half_the_old_at_once()
    {
        Assert.Equal([(4, 2), (0, 0), (0, 2), (0, 0)], Steps(200, 50));
    }

    [Fact]
    public void Max_100_min_0_stops_everything_old_then_starts_new()
    {
        Assert.Equal([(0, 4), (4, 0), (0, 0), (0, 0)], Steps(100, 0));
    }

    [Fact]
    public void Max_150_min_100_replaces_two_tasks_at_a_time()
    {
        Assert.Equal([(2, 0), (0, 0), (0, 2), (2, 0), (0, 0), (0, 2), (0, 0)], Steps(150, 100));
    }

    [Fact]
    public void Max_200_min_100_starts_all_then_stops_all_old_once_healthy()
    {
        Assert.Equal([(4, 0), (0, 0), (0, 4), (0, 0)], Steps(200, 100));
    }

    [Fact]
    public void Old_tasks_are_kept_while_new_ones_are_not_yet_healthy()
    {
        var service = Replica(2, NewPrimary(), OldActive());
        var tasks = new[] { Running("o1"), Running("o2"), Running("n1", DepNew, healthCheck: true, health: "UNKNOWN"), Pending("n2", DepNew) };

        var plan = Plan(Snapshot(service, tasks));

        Assert.Empty(plan.Stops);
        Assert.Empty(plan.Starts);
    }

    [Theory]
    [InlineData(30, 0)]
    [InlineData(40, 2)]
    public void Tasks_without_health_checks_count_as_healthy_40_seconds_after_running(int secondsRunning, int expectedStops)
    {
        var service = Replica(2, NewPrimary(), OldActive());
        var started = T0.AddSeconds(-secondsRunning);
        var tasks = new[] { Running("o1"), Running("o2"), Running("n1", DepNew, startedAt: started), Running("n2", DepNew, startedAt: started) };

        var plan = Plan(Snapshot(service, tasks));

        Assert.Equal(expectedStops, plan.Stops.Count);
    }

    [Fact]
    public void Old_deployment_tasks_stop_with_the_scaling_reason_of_their_own_deployment()
    {
        var service = Replica(1, NewPrimary(), OldActive());
        var tasks = new[] { Running("o1"), Running("n1", DepNew) };

        var stop = Assert.Single(Plan(Snapshot(service, tasks)).Stops);

        Assert.Equal(TaskArn("o1"), stop.TaskArn);
        Assert.Equal($"Scaling activity initiated by (deployment {DepOld})", stop.Reason);
    }

    [Fact]
    public void Completion_marks_the_primary_completed_and_drops_the_old_deployment()
    {
        var service = Replica(2, NewPrimary(), OldActive());

        var plan = Plan(Snapshot(service, [Running("n1", DepNew), Running("n2", DepNew), Exited("o1")]));

        var only = Assert.Single(plan.Service.Deployments!);
        Assert.Equal(DepNew, only.Id);
        Assert.Equal(RolloutStates.Completed, only.RolloutState);
        Assert.Equal($"ECS deployment {DepNew} completed.", only.RolloutStateReason);
        Assert.Equal(T0, only.UpdatedAt);
    }

    [Fact]
    public void Completion_writes_deployment_completed_then_steady_state_newest_first()
    {
        var service = Replica(1, NewPrimary(), OldActive());

        var plan = Plan(Snapshot(service, [Running("n1", DepNew)]));

        Assert.Equal(
            ["(service web) has reached a steady state.", $"(service web) (deployment {DepNew}) deployment completed."],
            plan.Messages());
    }

    [Fact]
    public void No_completion_while_an_old_task_is_still_stopping()
    {
        var service = Replica(1, NewPrimary(), OldActive());

        var plan = Plan(Snapshot(service, [Running("n1", DepNew), Stopping("o1")]));

        Assert.Equal(2, plan.Service.Deployments!.Count);
        Assert.Equal(RolloutStates.InProgress, plan.Dep(DepNew).RolloutState);
    }

    [Fact]
    public void The_old_deployment_stays_active_until_the_primary_completes()
    {
        // 100/0: old task stopped in the first round, new one not started yet; the old deployment is still listed.
        var service = Replica(1, NewPrimary(), OldActive()).WithBounds(100, 0);

        var plan = Plan(Snapshot(service, [Running("o1")]));

        var old = plan.Dep(DepOld);
        Assert.Equal(DeploymentStatuses.Active, old.Status);
        Assert.Equal(0, old.DesiredCount);
        Assert.Equal(RolloutStates.Completed, old.RolloutState);
    }

    [Fact]
    public void Each_deployment_reports_its_own_counts()
    {
        var service = Replica(3, NewPrimary(), OldActive());
        var tasks = new[] { Running("o1"), Running("o2"), Running("o3"), Running("n1", DepNew, healthCheck: true, health: "UNKNOWN"), Pending("n2", DepNew), Pending("n3", DepNew) };

        var plan = Plan(Snapshot(service, tasks));

        var primary = plan.Dep(DepNew);
        var old = plan.Dep(DepOld);
        Assert.Equal((3, 1, 2), (primary.DesiredCount, primary.RunningCount, primary.PendingCount));
        Assert.Equal((3, 3, 0), (old.DesiredCount, old.RunningCount, old.PendingCount));
        Assert.Equal((4, 2), (plan.Service.RunningCount, plan.Service.PendingCount));
    }

    [Fact]
    public void UpdatedAt_stays_when_nothing_about_a_deployment_changed()
    {
        var steady = Replica(2, Deployment(DepOld)) with
        {
            Deployments = [Deployment(DepOld) with { DesiredCount = 2, RunningCount = 2 }],
        };

        var plan = Plan(Snapshot(steady, RunningTasks(2)));

        Assert.Equal(LongAgo, plan.Dep(DepOld).UpdatedAt);
    }

    [Fact]
    public void UpdatedAt_moves_when_counts_change()
    {
        var plan = Plan(Snapshot(Replica(2, Deployment(DepOld)), RunningTasks(2)));

        Assert.Equal(T0, plan.Dep(DepOld).UpdatedAt);
    }

    [Fact]
    public void A_deployment_stalls_when_the_bounds_leave_no_room()
    {
        // desired 1, 100% / 50%: at most 1 task, at least ceil(0.5) = 1 healthy — ECS can neither start nor stop.
        var service = Replica(1, NewPrimary(), OldActive()).WithBounds(100, 50);

        var plan = Plan(Snapshot(service, [Running("o1")]));

        Assert.Empty(plan.Starts);
        Assert.Empty(plan.Stops);
    }

    [Fact]
    public void A_new_update_during_a_rollout_drains_both_older_deployments()
    {
        const string middle = "ecs-svc/3333333333333333333";
        var service = Replica(2,
            NewPrimary(),
            Deployment(middle, TaskDefV2, DeploymentStatuses.Active, RolloutStates.InProgress),
            OldActive());
        var tasks = new[] { Running("o1"), Running("m1", middle), Running("n1", DepNew), Running("n2", DepNew) };

        var plan = Plan(Snapshot(service, tasks));

        Assert.Equal(["m1", "o1"], plan.StoppedIds());
    }

    [Fact]
    public void Oldest_deployment_drains_first()
    {
        const string middle = "ecs-svc/3333333333333333333";
        var service = Replica(2, NewPrimary(), Deployment(middle, TaskDefV2, DeploymentStatuses.Active, RolloutStates.InProgress), OldActive())
            .WithBounds(200, 50);
        var tasks = new[] { Running("o1"), Running("m1", middle) };

        var plan = Plan(Snapshot(service, tasks));

        Assert.Equal(["o1"], plan.StoppedIds());
    }

    [Fact]
    public void Unhealthy_task_gets_a_replacement_before_it_is_stopped()
    {
        var sick = Running("a", DepOld, healthCheck: true, health: "UNHEALTHY");
        var service = Replica(2, Deployment(DepOld));

        var plan = Plan(Snapshot(service, [sick, Running("b", healthCheck: true)]));

        Assert.Equal(1, plan.Started());
        Assert.Empty(plan.Stops);
    }

    [Fact]
    public void Unhealthy_task_is_stopped_once_its_replacement_is_healthy()
    {
        var sick = Running("a", DepOld, healthCheck: true, health: "UNHEALTHY");
        var tasks = new[] { sick, Running("b", healthCheck: true), Running("c", healthCheck: true) };

        var plan = Plan(Snapshot(Replica(2, Deployment(DepOld)), tasks));

        var stop = Assert.Single(plan.Stops);
        Assert.Equal((TaskArn("a"), "Task failed container health checks"), (stop.TaskArn, stop.Reason));
        Assert.Equal(
            ["(service web) has stopped 1 running tasks: (task a).", "(service web) (task a) failed container health checks."],
            plan.Messages());
    }

    [Fact]
    public void Unhealthy_task_is_stopped_first_when_maximum_percent_leaves_no_room()
    {
        var tasks = new[]
        {
            Running("a", healthCheck: true, health: "UNHEALTHY"),
            Running("b", healthCheck: true, health: "UNHEALTHY"),
            Running("c", healthCheck: true),
        };

        var plan = Plan(Snapshot(Replica(3, Deployment(DepOld)).WithBounds(100, 0), tasks));

        Assert.Empty(plan.Starts);
        Assert.Equal(["a"], plan.StoppedIds());
    }

    [Fact]
    public void Unhealthy_task_is_kept_during_the_grace_period()
    {
        var service = Replica(1, Deployment(DepOld)) with { HealthCheckGracePeriodSeconds = 120 };
        var young = Running("a", startedAt: T0.AddSeconds(-60), healthCheck: true, health: "UNHEALTHY");

        var plan = Plan(Snapshot(service.WithBounds(100, 0), [young]));

        Assert.Empty(plan.Stops);
        Assert.Empty(plan.Starts);
    }

    [Fact]
    public void A_failed_deployment_without_rollback_keeps_the_old_tasks()
    {
        var failed = NewPrimary() with { RolloutState = RolloutStates.Failed, RolloutStateReason = CircuitBreaker.FailedReason };
        var service = Replica(2, failed, OldActive());

        var plan = Plan(Snapshot(service, [Running("o1"), Running("o2")]));

        Assert.Empty(plan.Starts);
        Assert.Empty(plan.Stops);
    }
}
