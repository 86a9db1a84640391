using Berth.Core.Services;
using static Berth.Core.Tests.Services.ServiceFixture;

namespace Berth.Core.Tests.Services;

public class DrainingInstanceTests
{
    private static readonly ServiceInstance[] Instances = [Instance("i1"), Instance("i2", InstanceStatuses.Draining)];

    [Fact]
    public void A_pending_task_on_a_draining_instance_stops_at_once_and_is_replaced()
    {
        var tasks = new[] { Running("a", instance: "i1"), Pending("b", instance: "i2") };

        var plan = Plan(Snapshot(Replica(2, Deployment(DepOld)), tasks, Instances));

        Assert.Equal(["b"], plan.StoppedIds());
        Assert.Equal(1, plan.Started());
    }

    [Fact]
    public void With_minimum_100_a_running_task_is_replaced_before_it_is_stopped()
    {
        var tasks = new[] { Running("a", instance: "i1"), Running("b", instance: "i2") };

        var plan = Plan(Snapshot(Replica(2, Deployment(DepOld)), tasks, Instances));

        Assert.Equal(1, plan.Started());
        Assert.Empty(plan.Stops);
    }

    [Fact]
    public void The_draining_task_stops_once_its_replacement_is_healthy()
    {
        var tasks = new[] { Running("a", instance: "i1"), Running("b", instance: "i2"), Running("c", instance: "i1") };

        var plan = Plan(Snapshot(Replica(2, Deployment(DepOld)), tasks, Instances));

        Assert.Equal(["b"], plan.StoppedIds());
        Assert.Empty(plan.Starts);
    }

    [Fact]
    public void With_maximum_100_the_draining_task_stops_first_as_the_minimum_allows()
    {
        var tasks = new[] { Running("a", instance: "i1"), Running("b", instance: "i2"), Running("c", instance: "i2"), Running("d", instance: "i1") };

        var plan = Plan(Snapshot(Replica(4, Deployment(DepOld)).WithBounds(100, 75), tasks, Instances));

        Assert.Single(plan.Stops);
        Assert.Empty(plan.Starts);
    }

    [Fact]
    public void Stopped_draining_tasks_use_the_scaling_reason()
    {
        var tasks = new[] { Running("a", instance: "i2") };

        var plan = Plan(Snapshot(Replica(1, Deployment(DepOld)).WithBounds(200, 0), tasks, Instances));

        Assert.Equal($"Scaling activity initiated by (deployment {DepOld})", Assert.Single(plan.Stops).Reason);
    }

    [Fact]
    public void A_service_with_tasks_on_a_draining_instance_is_not_steady()
    {
        var plan = Plan(Snapshot(Replica(1, Deployment(DepOld)), [Running("a", instance: "i2")], Instances));

        Assert.DoesNotContain("(service web) has reached a steady state.", plan.Messages());
    }
}
