using Berth.Core.Arns;
using Berth.Core.Daemons;
using Berth.Core.Ecs;

namespace Berth.Core.Tests.Daemons;

public class DaemonPlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
    private static readonly ResourceScope Scope = new("us-east-1", "000000000000");
    private static readonly string DaemonArn = DaemonArns.Daemon(Scope, "default", "agent");
    private static readonly string Rev1 = DaemonArns.Revision(DaemonArn, 1);
    private static readonly string Rev2 = DaemonArns.Revision(DaemonArn, 2);
    private const string Provider = "arn:aws:ecs:us-east-1:000000000000:capacity-provider/asg";

    private static DaemonInstance Instance(string id, string status = "ACTIVE", bool connected = true) => new(id, status, connected, Provider);

    private static DaemonTask Task(string arn, string instance, string revision, string last = "RUNNING", string desired = "RUNNING",
        DateTimeOffset? createdAt = null, string? stopCode = null) =>
        new(arn, revision, last, desired, instance, createdAt ?? Now.AddMinutes(-10), stopCode);

    private static DaemonRecord Daemon(string revision = "", string status = DaemonRecord.Active) =>
        new(DaemonArn, Scope.ClusterArn("default"), "agent", status, revision.Length == 0 ? Rev2 : revision, "dep", 2, [], null, Now.AddHours(-1), Now.AddHours(-1));

    private static DaemonDeploymentRecord Deployment(string status = DaemonDeploymentStatuses.InProgress, string[]? sources = null,
        double drain = 100, int bake = 0, bool stepInFlight = false, DateTimeOffset? nextStepAt = null, string[]? alarms = null) => new(
        DaemonArn,
        new DaemonDeployment
        {
            DaemonDeploymentArn = DaemonArns.Deployment(DaemonArn, "dep"),
            Status = status,
            TargetDaemonRevision = new DaemonDeploymentRevisionDetail { Arn = Rev2 },
            SourceDaemonRevisions = [.. (sources ?? [Rev1]).Select(a => new DaemonDeploymentRevisionDetail { Arn = a })],
            CircuitBreaker = new DaemonCircuitBreaker { Status = DaemonDeploymentStatuses.Monitoring },
            Alarms = alarms is null
                ? new DaemonDeploymentAlarms { Status = DaemonDeploymentStatuses.Disabled }
                : new DaemonDeploymentAlarms { Status = DaemonDeploymentStatuses.Monitoring, AlarmNames = alarms },
            DeploymentConfiguration = new DaemonDeploymentConfiguration { DrainPercent = drain, BakeTimeInMinutes = bake },
            CreatedAt = Now.AddMinutes(-5),
            StartedAt = Now.AddMinutes(-5),
        },
        stepInFlight,
        nextStepAt);

    private static DaemonPlan Plan(DaemonRecord daemon, DaemonDeploymentRecord deployment, DaemonInstance[] instances, DaemonTask[] tasks,
        string[]? inAlarm = null) =>
        DaemonPlanner.Plan(new DaemonSnapshot(daemon, deployment, instances, tasks,
            new Dictionary<string, IReadOnlyList<string>> { [Rev1] = [Provider], [Rev2] = [Provider] },
            (inAlarm ?? []).ToHashSet()), Now);

    [Fact]
    public void Starts_one_task_of_the_daemons_revision_on_each_active_connected_instance()
    {
        var plan = Plan(Daemon(), Deployment(), [Instance("i1"), Instance("i2"), Instance("i3", connected: false), Instance("i4", "DRAINING")], []);

        Assert.Equal(["i1", "i2"], plan.Starts.Select(s => s.ContainerInstanceArn));
        Assert.All(plan.Starts, s => Assert.Equal((Rev2, Provider), (s.RevisionArn, s.CapacityProviderArn)));
    }

    [Fact]
    public void A_stopped_daemon_task_is_started_again()
    {
        var plan = Plan(Daemon(), Deployment(DaemonDeploymentStatuses.Successful), [Instance("i1")],
            [Task("t1", "i1", Rev2, last: "STOPPED", desired: "STOPPED")]);

        Assert.Equal("i1", Assert.Single(plan.Starts).ContainerInstanceArn);
    }

    [Fact]
    public void Waits_for_a_stopping_task_to_free_the_instance_before_starting()
    {
        var plan = Plan(Daemon(), Deployment(), [Instance("i1")], [Task("t1", "i1", Rev1, last: "RUNNING", desired: "STOPPED")]);

        Assert.Empty(plan.Starts);
        Assert.Empty(plan.Stops);
        Assert.Equal(DaemonDeploymentStatuses.InProgress, plan.Deployment.Deployment.Status);
    }

    [Fact]
    public void Replaces_old_revisions_at_most_drain_percent_of_the_instances_at_a_time()
    {
        var instances = new[] { Instance("i1"), Instance("i2"), Instance("i3"), Instance("i4") };
        var tasks = instances.Select(i => Task("t-" + i.ContainerInstanceArn, i.ContainerInstanceArn, Rev1)).ToArray();

        var plan = Plan(Daemon(), Deployment(drain: 50), instances, tasks);

        Assert.Equal(["t-i1", "t-i2"], plan.Stops.Select(s => s.TaskArn));
        Assert.All(plan.Stops, s => Assert.Equal(DaemonPlanner.ReplacedReason, s.Reason));
        Assert.Empty(plan.Starts);
    }

    [Fact]
    public void A_step_under_way_holds_back_the_next()
    {
        var tasks = new[]
        {
            Task("new", "i1", Rev2, last: "PENDING"),
            Task("old", "i2", Rev1),
        };

        var plan = Plan(Daemon(), Deployment(drain: 50), [Instance("i1"), Instance("i2")], tasks);

        Assert.Empty(plan.Stops);
        Assert.True(plan.Deployment.StepInFlight);
    }

    [Fact]
    public void Bake_time_starts_when_a_step_finishes_and_holds_the_next_step()
    {
        var tasks = new[] { Task("new", "i1", Rev2), Task("old", "i2", Rev1) };

        var plan = Plan(Daemon(), Deployment(drain: 50, bake: 5, stepInFlight: true), [Instance("i1"), Instance("i2")], tasks);

        Assert.Empty(plan.Stops);
        Assert.Equal(Now.AddMinutes(5), plan.Deployment.NextStepAt);
        Assert.False(plan.Deployment.StepInFlight);
    }

    [Fact]
    public void Succeeds_once_every_instance_runs_the_target_and_the_bake_time_is_over()
    {
        var tasks = new[] { Task("a", "i1", Rev2), Task("b", "i2", Rev2) };

        var baking = Plan(Daemon(), Deployment(nextStepAt: Now.AddMinutes(1)), [Instance("i1"), Instance("i2")], tasks);
        var baked = Plan(Daemon(), Deployment(nextStepAt: Now), [Instance("i1"), Instance("i2")], tasks);

        Assert.Equal(DaemonDeploymentStatuses.InProgress, baking.Deployment.Deployment.Status);
        var done = baked.Deployment.Deployment;
        Assert.Equal((DaemonDeploymentStatuses.Successful, Now), (done.Status, done.FinishedAt));
        Assert.Equal(DaemonDeploymentStatuses.MonitoringComplete, done.CircuitBreaker!.Status);
        Assert.Equal((2, 0), (done.TargetDaemonRevision!.TotalRunningInstanceCount, done.SourceDaemonRevisions![0].TotalRunningInstanceCount));
    }

    [Fact]
    public void A_pending_deployment_starts_in_the_first_round()
    {
        var plan = Plan(Daemon(), Deployment(DaemonDeploymentStatuses.Pending), [Instance("i1")], []);

        Assert.Equal((DaemonDeploymentStatuses.InProgress, Now), (plan.Deployment.Deployment.Status, plan.Deployment.Deployment.StartedAt));
    }

    [Fact]
    public void Tasks_on_instances_that_left_the_providers_or_are_draining_are_stopped()
    {
        var tasks = new[] { Task("gone", "elsewhere", Rev2), Task("draining", "i2", Rev2), Task("kept", "i1", Rev2) };

        var plan = Plan(Daemon(), Deployment(DaemonDeploymentStatuses.Successful), [Instance("i1"), Instance("i2", "DRAINING")], tasks);

        Assert.Equal(["gone", "draining"], plan.Stops.Select(s => s.TaskArn));
        Assert.All(plan.Stops, s => Assert.Equal(DaemonPlanner.LeftReason, s.Reason));
    }

    [Fact]
    public void Keeps_one_task_per_instance_the_running_one()
    {
        var tasks = new[] { Task("pending", "i1", Rev2, last: "PENDING", createdAt: Now.AddMinutes(-20)), Task("running", "i1", Rev2) };

        var plan = Plan(Daemon(), Deployment(DaemonDeploymentStatuses.Successful), [Instance("i1")], tasks);

        Assert.Equal("pending", Assert.Single(plan.Stops).TaskArn);
    }

    [Fact]
    public void The_circuit_breaker_rolls_back_to_the_revision_the_deployment_replaced()
    {
        var failed = Enumerable.Range(0, 3)
            .Select(i => Task($"f{i}", "i1", Rev2, last: "STOPPED", desired: "STOPPED", createdAt: Now.AddMinutes(-1), stopCode: "EssentialContainerExited"))
            .ToArray();

        var plan = Plan(Daemon(), Deployment(), [Instance("i1")], failed);

        var deployment = plan.Deployment.Deployment;
        Assert.Equal(DaemonDeploymentStatuses.RollbackInProgress, deployment.Status);
        Assert.Equal((3, 3, DaemonDeploymentStatuses.Triggered), (deployment.CircuitBreaker!.FailureCount, deployment.CircuitBreaker.Threshold, deployment.CircuitBreaker.Status));
        Assert.Equal((Rev1, DaemonPlanner.CircuitBreakerReason), (deployment.Rollback!.RollbackTargetDaemonRevisionArn, deployment.Rollback.Reason));
        Assert.Equal([Provider], deployment.Rollback.RollbackCapacityProviders);
        Assert.Equal(Rev1, plan.Daemon.RevisionArn);
        Assert.Equal(Rev1, Assert.Single(plan.Starts).RevisionArn);
    }

    [Fact]
    public void The_circuit_breaker_stops_a_first_deployment_which_has_nothing_to_roll_back_to()
    {
        var failed = Enumerable.Range(0, 3)
            .Select(i => Task($"f{i}", "i1", Rev2, last: "STOPPED", desired: "STOPPED", createdAt: Now.AddMinutes(-1), stopCode: "TaskFailedToStart"))
            .ToArray();

        var plan = Plan(Daemon(), Deployment(sources: []), [Instance("i1")], failed);

        Assert.Equal((DaemonDeploymentStatuses.Stopped, DaemonPlanner.CircuitBreakerReason),
            (plan.Deployment.Deployment.Status, plan.Deployment.Deployment.StatusReason));
        Assert.Equal(Rev2, plan.Daemon.RevisionArn);
    }

    [Fact]
    public void Tasks_stopped_by_the_scheduler_or_before_the_deployment_are_not_failures()
    {
        var tasks = new[]
        {
            Task("old", "i1", Rev2, last: "STOPPED", desired: "STOPPED", createdAt: Now.AddHours(-1), stopCode: "EssentialContainerExited"),
            Task("mine", "i1", Rev2, last: "STOPPED", desired: "STOPPED", createdAt: Now.AddMinutes(-1), stopCode: "ServiceSchedulerInitiated"),
        };

        var plan = Plan(Daemon(), Deployment(), [Instance("i1")], tasks);

        Assert.Equal(0, plan.Deployment.Deployment.CircuitBreaker!.FailureCount);
        Assert.Equal(DaemonDeploymentStatuses.InProgress, plan.Deployment.Deployment.Status);
    }

    [Fact]
    public void An_alarm_in_alarm_rolls_the_deployment_back()
    {
        var plan = Plan(Daemon(), Deployment(alarms: ["errors", "latency"]), [Instance("i1")], [Task("a", "i1", Rev2)], inAlarm: ["latency"]);

        var deployment = plan.Deployment.Deployment;
        Assert.Equal(DaemonDeploymentStatuses.RollbackInProgress, deployment.Status);
        Assert.Equal(["latency"], deployment.Alarms!.TriggeredAlarmNames);
        Assert.Equal(DaemonPlanner.AlarmReason(["latency"]), deployment.Rollback!.Reason);
        Assert.Equal("a", Assert.Single(plan.Stops).TaskArn);
    }

    [Fact]
    public void A_rollback_succeeds_once_the_old_revision_runs_everywhere()
    {
        var rolling = Deployment(DaemonDeploymentStatuses.RollbackInProgress);

        var plan = Plan(Daemon(Rev1), rolling, [Instance("i1")], [Task("a", "i1", Rev1)]);

        Assert.Equal(DaemonDeploymentStatuses.RollbackSuccessful, plan.Deployment.Deployment.Status);
    }

    [Fact]
    public void Deleting_stops_every_task_and_finishes_once_they_have_stopped()
    {
        var deleting = Daemon(status: DaemonRecord.DeleteInProgress);

        var stopping = Plan(deleting, Deployment(), [Instance("i1")], [Task("a", "i1", Rev2)]);
        var stopped = Plan(deleting, Deployment(), [Instance("i1")], [Task("a", "i1", Rev2, last: "STOPPED", desired: "STOPPED")]);

        Assert.Equal((DaemonPlanner.DeletedReason, false), (Assert.Single(stopping.Stops).Reason, stopping.Deleted));
        Assert.True(stopped.Deleted);
        Assert.Equal(DaemonDeploymentStatuses.Successful, stopped.Deployment.Deployment.Status);
    }

    [Fact]
    public void A_finished_deployment_is_left_as_it_is()
    {
        var done = Deployment(DaemonDeploymentStatuses.Successful);

        var plan = Plan(Daemon(), done, [Instance("i1")], [Task("a", "i1", Rev2)]);

        Assert.Same(done.Deployment, plan.Deployment.Deployment);
        Assert.Empty(plan.Starts);
        Assert.Empty(plan.Stops);
    }
}
