using Berth.Core.Services;
using static Berth.Core.Tests.Services.ServiceFixture;

namespace Berth.Core.Tests.Services;

/// <summary>Task scale-in protection as the planner honours it: scale-in and deployments pass protected tasks over.</summary>
public class TaskProtectionSchedulingTests
{
    private static ServiceTask Protected(ServiceTask task, DateTimeOffset? until = null) =>
        task with { ProtectedUntil = until ?? T0.AddMinutes(30) };

    [Fact]
    public void Scale_in_stops_an_unprotected_task_instead_of_a_protected_newer_one()
    {
        var tasks = new[] { Running("a"), Protected(Running("b", startedAt: LongAgo.AddMinutes(1))) };

        var plan = Plan(Snapshot(Replica(1, Deployment(DepOld)), tasks));

        Assert.Equal(["a"], plan.StoppedIds());
    }

    [Fact]
    public void Scale_in_keeps_more_than_desired_while_the_surplus_is_protected()
    {
        var tasks = new[] { Protected(Running("a")), Protected(Running("b")), Running("c") };

        var plan = Plan(Snapshot(Replica(1, Deployment(DepOld)), tasks));

        Assert.Equal(["c"], plan.StoppedIds());
        Assert.Empty(plan.Starts);
    }

    [Fact]
    public void Expired_protection_no_longer_holds_a_task_back()
    {
        var tasks = new[] { Running("a"), Protected(Running("b", startedAt: LongAgo.AddMinutes(1)), until: T0) };

        var plan = Plan(Snapshot(Replica(1, Deployment(DepOld)), tasks));

        Assert.Equal(["b"], plan.StoppedIds());
    }

    [Fact]
    public void A_deployment_does_not_drain_protected_tasks_of_the_old_revision()
    {
        var service = Replica(2, NewPrimary(), OldActive()).WithBounds(maximumPercent: 200, minimumHealthyPercent: 0);
        var tasks = new[] { Protected(Running("old1")), Running("old2"), Running("new1", DepNew), Running("new2", DepNew) };

        var plan = Plan(Snapshot(service, tasks));

        Assert.Equal(["old2"], plan.StoppedIds());
        Assert.Equal("IN_PROGRESS", plan.Dep(DepNew).RolloutState);
    }

    [Fact]
    public void Protection_does_not_keep_an_unhealthy_task_from_being_replaced()
    {
        var tasks = new[] { Protected(Running("a", healthCheck: true, health: "UNHEALTHY")), Running("b", healthCheck: true) };

        // maximumPercent 100 leaves no room for a replacement first, so the unhealthy task is stopped at once.
        var plan = Plan(Snapshot(Replica(2, Deployment(DepOld)).WithBounds(maximumPercent: 100, minimumHealthyPercent: 50), tasks));

        Assert.Equal(["a"], plan.StoppedIds());
    }

    [Fact]
    public void Deleting_a_service_stops_its_protected_tasks_too()
    {
        var service = Replica(0, Deployment(DepOld)) with { Status = ServiceStatuses.Draining };

        var plan = Plan(Snapshot(service, [Protected(Running("a"))]));

        Assert.Equal(["a"], plan.StoppedIds());
    }
}
