using Berth.Core.Services;
using static Berth.Core.Tests.Services.ServiceFixture;

namespace Berth.Core.Tests.Services;

public class DaemonSchedulingTests
{
    private static readonly ServiceInstance[] ThreeInstances = [Instance("i1"), Instance("i2"), Instance("i3")];

    [Fact]
    public void Starts_one_task_on_each_active_instance()
    {
        var plan = Plan(Snapshot(Daemon(Deployment(DepNew, rollout: RolloutStates.InProgress)), [], ThreeInstances));

        Assert.Equal(
            [InstanceArn("i1"), InstanceArn("i2"), InstanceArn("i3")],
            plan.Starts.Select(s => s.ContainerInstanceArn));
        Assert.All(plan.Starts, s => Assert.Equal(new TaskStart(DepNew, TaskDefV1, 1, s.ContainerInstanceArn), s));
    }

    [Fact]
    public void Skips_instances_whose_agent_is_disconnected()
    {
        var plan = Plan(Snapshot(Daemon(Deployment(DepOld)), [], [Instance("i1"), Instance("i2", connected: false)]));

        Assert.Equal([InstanceArn("i1")], plan.Starts.Select(s => s.ContainerInstanceArn));
        Assert.Equal(1, plan.Service.DesiredCount);
    }

    [Fact]
    public void A_new_instance_gets_a_task()
    {
        var tasks = new[] { Running("a", instance: "i1"), Running("b", instance: "i2") };

        var plan = Plan(Snapshot(Daemon(Deployment(DepOld)), tasks, ThreeInstances));

        var start = Assert.Single(plan.Starts);
        Assert.Equal(InstanceArn("i3"), start.ContainerInstanceArn);
        Assert.Empty(plan.Stops);
    }

    [Fact]
    public void Instances_already_running_the_task_get_nothing()
    {
        var tasks = new[] { Running("a", instance: "i1"), Pending("b", instance: "i2"), Running("c", instance: "i3") };

        var plan = Plan(Snapshot(Daemon(Deployment(DepOld)), tasks, ThreeInstances));

        Assert.Empty(plan.Starts);
        Assert.Empty(plan.Stops);
    }

    [Fact]
    public void Tasks_on_draining_instances_are_stopped_and_not_replaced_there()
    {
        var instances = new[] { Instance("i1"), Instance("i2", InstanceStatuses.Draining) };
        var tasks = new[] { Running("a", instance: "i1"), Running("b", instance: "i2") };

        var plan = Plan(Snapshot(Daemon(Deployment(DepOld)), tasks, instances));

        Assert.Equal(["b"], plan.StoppedIds());
        Assert.Empty(plan.Starts);
    }

    [Fact]
    public void Desired_and_running_counts_follow_the_instances()
    {
        var instances = new[] { Instance("i1"), Instance("i2"), Instance("i3", InstanceStatuses.Draining), Instance("i4", connected: false) };
        var tasks = new[] { Running("a", instance: "i1"), Running("b", instance: "i2"), Running("c", instance: "i3") };

        var plan = Plan(Snapshot(Daemon(Deployment(DepOld)), tasks, instances));

        Assert.Equal(2, plan.Service.DesiredCount);
        Assert.Equal(2, plan.Service.RunningCount);
        Assert.Equal(2, plan.Dep(DepOld).DesiredCount);
    }

    [Fact]
    public void A_second_task_on_one_instance_is_stopped()
    {
        var tasks = new[] { Running("a", instance: "i1"), Pending("b", instance: "i1") };

        var plan = Plan(Snapshot(Daemon(Deployment(DepOld)), tasks, [Instance("i1")]));

        Assert.Equal(["b"], plan.StoppedIds());
    }

    [Fact]
    public void Tasks_on_instances_the_snapshot_does_not_list_are_left_alone()
    {
        var plan = Plan(Snapshot(Daemon(Deployment(DepOld)), [Running("a", instance: "gone")], [Instance("i1")]));

        Assert.Empty(plan.Stops);
        Assert.Single(plan.Starts);
    }

    [Fact]
    public void Rolling_update_stops_the_old_task_first_by_default()
    {
        // DAEMON defaults are maximumPercent 100 and minimumHealthyPercent 0: old out, then new in.
        var tasks = new[] { Running("a", instance: "i1"), Running("b", instance: "i2") };

        var plan = Plan(Snapshot(Daemon(NewPrimary(), OldActive()), tasks, [Instance("i1"), Instance("i2")]));

        Assert.Equal(["a", "b"], plan.StoppedIds());
        Assert.Empty(plan.Starts);
    }

    [Fact]
    public void Rolling_update_starts_the_new_task_once_the_instance_is_empty()
    {
        var tasks = new[] { Running("a", instance: "i1") with { LastStatus = "STOPPED", DesiredStatus = "STOPPED", StoppedAt = T0, StopCode = "ServiceSchedulerInitiated" } };

        var plan = Plan(Snapshot(Daemon(NewPrimary(), OldActive()), tasks, [Instance("i1")]));

        var start = Assert.Single(plan.Starts);
        Assert.Equal((DepNew, TaskDefV2, InstanceArn("i1")), (start.DeploymentId, start.TaskDefinitionArn, start.ContainerInstanceArn));
    }

    [Fact]
    public void Rolling_update_waits_while_the_old_task_is_still_stopping()
    {
        var plan = Plan(Snapshot(Daemon(NewPrimary(), OldActive()), [Stopping("a") with { ContainerInstanceArn = InstanceArn("i1") }], [Instance("i1")]));

        Assert.Empty(plan.Starts);
    }

    [Fact]
    public void Rolling_update_respects_a_minimum_healthy_percent()
    {
        var tasks = Enumerable.Range(1, 4).Select(i => Running($"o{i}", instance: $"i{i}")).ToList();
        var instances = Enumerable.Range(1, 4).Select(i => Instance($"i{i}")).ToList();

        var plan = Plan(Snapshot(Daemon(NewPrimary(), OldActive()).WithBounds(100, 50), tasks, instances));

        Assert.Equal(2, plan.Stops.Count);
    }

    [Fact]
    public void An_unhealthy_daemon_task_is_stopped_to_be_replaced()
    {
        var sick = Running("a", DepOld, instance: "i1", healthCheck: true, health: "UNHEALTHY");

        var plan = Plan(Snapshot(Daemon(Deployment(DepOld)), [sick], [Instance("i1")]));

        var stop = Assert.Single(plan.Stops);
        Assert.Equal("Task failed container health checks", stop.Reason);
    }

    [Fact]
    public void Steady_when_every_instance_runs_the_current_task()
    {
        var tasks = new[] { Running("a", instance: "i1"), Running("b", instance: "i2") };

        var plan = Plan(Snapshot(Daemon(Deployment(DepOld)), tasks, [Instance("i1"), Instance("i2")]));

        Assert.Contains("(service web) has reached a steady state.", plan.Messages());
    }
}
