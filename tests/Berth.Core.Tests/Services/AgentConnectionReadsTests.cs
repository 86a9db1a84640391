using Berth.Core.Services;
using static Berth.Core.Tests.Services.ServiceFixture;

namespace Berth.Core.Tests.Services;

/// <summary>
/// A service's round reads the cluster's heartbeats only when its plan depends on them
/// (<see cref="ServicePlanner.ReadsAgentConnections"/>); a round that does not read them builds its instances as not
/// connected, which must then change nothing.
/// </summary>
public class AgentConnectionReadsTests
{
    [Fact]
    public void Only_a_daemon_service_and_zone_rebalancing_read_whether_agents_are_connected()
    {
        Assert.False(ServicePlanner.ReadsAgentConnections(Replica(2, Deployment(DepOld))));
        Assert.True(ServicePlanner.ReadsAgentConnections(Daemon(Deployment(DepOld))));
        Assert.True(ServicePlanner.ReadsAgentConnections(Replica(2, Deployment(DepOld)) with { AvailabilityZoneRebalancing = AzRebalancing.Enabled }));
    }

    [Fact]
    public void A_replica_service_plans_the_same_whether_its_instances_agents_are_connected_or_not()
    {
        // A replacement to start, a task on a draining instance to stop, a task to scale in: every path that reads instances.
        var tasks = new[] { Running("a", instance: "i1"), Pending("b", instance: "i2"), Running("c", instance: "i3"), Running("d", instance: "i3") };
        ServicePlan PlanWith(bool connected) => Plan(Snapshot(Replica(3, Deployment(DepOld)), tasks,
            [Instance("i1", connected: connected), Instance("i2", InstanceStatuses.Draining, connected), Instance("i3", connected: connected)]));

        var connected = PlanWith(true);
        var disconnected = PlanWith(false);

        Assert.NotEmpty(connected.Stops);
        Assert.Equal(connected.Starts, disconnected.Starts);
        Assert.Equal(connected.Stops, disconnected.Stops);
        Assert.Equal(connected.Messages(), disconnected.Messages());
        Assert.Equal(connected.Service.RunningCount, disconnected.Service.RunningCount);
    }
}
