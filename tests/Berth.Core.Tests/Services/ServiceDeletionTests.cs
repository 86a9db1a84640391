using Berth.Core.Ecs;
using Berth.Core.Services;
using static Berth.Core.Tests.Services.ServiceFixture;

namespace Berth.Core.Tests.Services;

public class ServiceDeletionTests
{
    private static Service Deleted(int desired = 3) => Replica(desired, Deployment(DepOld)) with { Status = ServiceStatuses.Draining };

    [Fact]
    public void A_draining_service_stops_all_its_tasks_regardless_of_minimum_healthy()
    {
        var plan = Plan(Snapshot(Deleted(), [.. RunningTasks(3), Pending("p")]));

        Assert.Equal(4, plan.Stops.Count);
        Assert.Empty(plan.Starts);
        Assert.Equal(ServiceStatuses.Draining, plan.Service.Status);
    }

    [Fact]
    public void A_draining_service_starts_no_replacement()
    {
        var plan = Plan(Snapshot(Deleted(), [Exited("a")]));

        Assert.Empty(plan.Starts);
    }

    [Fact]
    public void A_draining_service_becomes_inactive_once_no_task_remains()
    {
        var plan = Plan(Snapshot(Deleted(), [Exited("a"), Exited("b")]));

        Assert.Equal(ServiceStatuses.Inactive, plan.Service.Status);
    }

    [Fact]
    public void A_draining_service_stays_draining_while_a_task_is_still_stopping()
    {
        var plan = Plan(Snapshot(Deleted(), [Stopping("a")]));

        Assert.Equal(ServiceStatuses.Draining, plan.Service.Status);
        Assert.Empty(plan.Stops);
    }

    [Fact]
    public void A_draining_daemon_service_stops_its_tasks_too()
    {
        var service = Daemon(Deployment(DepOld)) with { Status = ServiceStatuses.Draining };

        var plan = Plan(Snapshot(service, [Running("a", instance: "i1")], [Instance("i1")]));

        Assert.Single(plan.Stops);
        Assert.Empty(plan.Starts);
        Assert.Equal(0, plan.Service.DesiredCount);
    }

    [Fact]
    public void A_draining_service_reports_no_steady_state()
    {
        var plan = Plan(Snapshot(Deleted(0), []));

        Assert.DoesNotContain("(service web) has reached a steady state.", plan.Messages());
    }

    [Fact]
    public void An_inactive_service_is_left_as_it_is()
    {
        var service = Replica(2, Deployment(DepOld)) with { Status = ServiceStatuses.Inactive };
        var snapshot = Snapshot(service, [Running("stray")]);

        var plan = Plan(snapshot);

        Assert.Same(service, plan.Service);
        Assert.Empty(plan.Starts);
        Assert.Empty(plan.Stops);
    }

    [Fact]
    public void Simulated_deletion_ends_inactive()
    {
        var sim = new ServiceSimulation(Deleted(), RunningTasks(3));

        sim.RunOnce();
        sim.RunOnce();

        Assert.Equal(ServiceStatuses.Inactive, sim.Service.Status);
        Assert.Empty(sim.Live);
    }
}
