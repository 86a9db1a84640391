using Berth.Core.Services;
using static Berth.Core.Tests.Services.ServiceFixture;

namespace Berth.Core.Tests.Services;

public class ReplicaSchedulingTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(10)]
    public void A_new_service_starts_its_desired_count(int desired)
    {
        var plan = Plan(Snapshot(Replica(desired, Deployment(DepNew, rollout: RolloutStates.InProgress))));

        var start = Assert.Single(plan.Starts);
        Assert.Equal(new TaskStart(DepNew, TaskDefV1, desired, null), start);
        Assert.Empty(plan.Stops);
    }

    [Theory]
    [InlineData(3, 5, 2)]
    [InlineData(0, 4, 4)]
    [InlineData(4, 4, 0)]
    public void Scale_out_starts_only_the_missing_tasks(int running, int desired, int expectedStarts)
    {
        var plan = Plan(Snapshot(Replica(desired, Deployment(DepOld)), RunningTasks(running)));

        Assert.Equal(expectedStarts, plan.Started());
        Assert.Empty(plan.Stops);
    }

    [Fact]
    public void Pending_tasks_count_towards_the_desired_count()
    {
        var plan = Plan(Snapshot(Replica(3, Deployment(DepOld)), [Running("a"), Pending("b"), Pending("c")]));

        Assert.Empty(plan.Starts);
    }

    [Fact]
    public void At_the_desired_count_nothing_changes()
    {
        var plan = Plan(Snapshot(Replica(2, Deployment(DepOld)), RunningTasks(2)));

        Assert.Empty(plan.Starts);
        Assert.Empty(plan.Stops);
    }

    [Fact]
    public void Scale_in_stops_pending_tasks_before_running_ones()
    {
        var tasks = new[] { Running("a"), Running("b", startedAt: LongAgo.AddMinutes(1)), Pending("c") };

        var plan = Plan(Snapshot(Replica(1, Deployment(DepOld)), tasks));

        Assert.Equal(["b", "c"], plan.StoppedIds());
    }

    [Fact]
    public void Scale_in_stops_the_newest_running_tasks_first()
    {
        var tasks = new[]
        {
            Running("oldest", startedAt: T0.AddHours(-3)),
            Running("middle", startedAt: T0.AddHours(-2)),
            Running("newest", startedAt: T0.AddHours(-1)),
        };

        var plan = Plan(Snapshot(Replica(1, Deployment(DepOld)), tasks));

        Assert.Equal(["middle", "newest"], plan.StoppedIds());
    }

    [Fact]
    public void Scale_in_stops_tasks_not_yet_healthy_before_healthy_ones()
    {
        var tasks = new[] { Running("settled"), Running("warming", startedAt: T0.AddSeconds(-10)) };

        var plan = Plan(Snapshot(Replica(1, Deployment(DepOld)), tasks));

        Assert.Equal(["warming"], plan.StoppedIds());
    }

    [Fact]
    public void Scale_in_gives_ecs_reason_naming_the_deployment()
    {
        var plan = Plan(Snapshot(Replica(0, Deployment(DepOld)), RunningTasks(1)));

        var stop = Assert.Single(plan.Stops);
        Assert.Equal($"Scaling activity initiated by (deployment {DepOld})", stop.Reason);
    }

    [Fact]
    public void Scale_to_zero_stops_every_task()
    {
        var plan = Plan(Snapshot(Replica(0, Deployment(DepOld)), [.. RunningTasks(3), Pending("p")]));

        Assert.Equal(4, plan.Stops.Count);
        Assert.Empty(plan.Starts);
    }

    [Fact]
    public void A_task_whose_container_exited_is_replaced()
    {
        var tasks = new[] { Running("a"), Exited("b") };

        var plan = Plan(Snapshot(Replica(2, Deployment(DepOld)), tasks));

        Assert.Equal(1, plan.Started());
    }

    [Fact]
    public void Tasks_lost_with_their_instance_are_replaced()
    {
        var lost = Exited("b") with { StopCode = "TerminationNotice", StoppedReason = "Host EC2 (instance i-0abc) stopped/terminated" };

        var plan = Plan(Snapshot(Replica(3, Deployment(DepOld)), [Running("a"), lost, lost with { TaskArn = TaskArn("c") }]));

        Assert.Equal(2, plan.Started());
    }

    [Fact]
    public void Tasks_being_stopped_still_count_against_maximum_percent()
    {
        // desired 2 at 100% max: two tasks still shutting down leave no room for their replacements yet.
        var service = Replica(2, Deployment(DepOld)).WithBounds(100, 0);

        var plan = Plan(Snapshot(service, [Stopping("a"), Stopping("b")]));

        Assert.Empty(plan.Starts);
    }

    [Fact]
    public void Tasks_being_stopped_do_not_count_towards_the_desired_count()
    {
        var plan = Plan(Snapshot(Replica(2, Deployment(DepOld)), [Running("a"), Stopping("b")]));

        Assert.Equal(1, plan.Started());
    }

    [Fact]
    public void Service_counts_reflect_running_and_pending_tasks()
    {
        var plan = Plan(Snapshot(Replica(3, Deployment(DepOld)), [Running("a"), Running("b"), Pending("c")]));

        Assert.Equal(2, plan.Service.RunningCount);
        Assert.Equal(1, plan.Service.PendingCount);
        var primary = plan.Dep(DepOld);
        Assert.Equal((3, 2, 1), (primary.DesiredCount, primary.RunningCount, primary.PendingCount));
    }

    [Fact]
    public void Counts_leave_out_tasks_this_plan_stops()
    {
        var plan = Plan(Snapshot(Replica(1, Deployment(DepOld)), RunningTasks(3)));

        Assert.Equal(1, plan.Service.RunningCount);
    }

    [Fact]
    public void Without_a_deployment_nothing_is_started()
    {
        var service = Replica(2) with { Deployments = [] };

        var plan = Plan(Snapshot(service));

        Assert.Empty(plan.Starts);
    }
}
