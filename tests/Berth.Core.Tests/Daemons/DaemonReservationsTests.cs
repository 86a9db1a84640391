using Berth.Core.Daemons;
using Berth.Core.Placement;
using static Berth.Core.Tests.Placement.PlacementFixtures;

namespace Berth.Core.Tests.Daemons;

public class DaemonReservationsTests
{
    private const string Agent = "daemon:log-agent";

    private static DaemonReservations.Due Daemon(string group = Agent, int cpu = 512, int memory = 1024, int[]? tcp = null, params string[] instances) =>
        new(group, new ResourceSet(cpu, memory, new HashSet<int>(tcp ?? []), new HashSet<int>()), instances.Select(Arn).ToHashSet(StringComparer.Ordinal));

    private static PlacementPlan Place(ClusterSnapshot snapshot, PlacementRequest request) => PlacementEngine.Place(snapshot, request, new Random(1));

    [Fact]
    public void A_new_instance_keeps_room_for_its_daemon_task()
    {
        var snapshot = new ClusterSnapshot([Instance("new", cpu: 2048, memory: 2048)]);

        var reserved = DaemonReservations.Reserve(snapshot, [Daemon(instances: "new")]);
        var plan = Place(reserved, Request(count: 2, cpu: 256, memory: 768));

        Assert.Equal((1536, 1024), (reserved.Instances[0].Remaining.Cpu, reserved.Instances[0].Remaining.Memory));
        Assert.Single(plan.Placements);
        Assert.Equal("RESOURCE:MEMORY", Assert.Single(plan.Failures).Reason);
    }

    [Fact]
    public void An_instance_that_runs_the_daemon_task_reserves_nothing_more()
    {
        var instance = Instance("old", tasks: PlacedTasks(Agent, 1));

        Assert.Same(instance, DaemonReservations.Reserve(instance, [Daemon(instances: "old")]));
    }

    [Fact]
    public void Room_is_owed_only_while_an_instance_of_the_daemons_providers_lacks_its_task()
    {
        var running = Instance("old", tasks: PlacedTasks(Agent, 1));
        var daemon = Daemon(instances: ["old", "new"]);

        Assert.True(DaemonReservations.AnyOwed(new ClusterSnapshot([running, Instance("new")]), [daemon]));
        Assert.False(DaemonReservations.AnyOwed(new ClusterSnapshot([running, Instance("other")]), [daemon]));
        Assert.False(DaemonReservations.AnyOwed(new ClusterSnapshot([Instance("new")]), []));
    }

    [Fact]
    public void Instances_outside_the_daemons_capacity_providers_reserve_nothing()
    {
        var instance = Instance("other");

        Assert.Same(instance, DaemonReservations.Reserve(instance, [Daemon(instances: "new")]));
    }

    [Fact]
    public void Every_daemon_due_reserves_its_own_needs_and_its_host_ports()
    {
        var instance = Instance("new", cpu: 2048, memory: 4096, tcp: [22]);

        var reserved = DaemonReservations.Reserve(instance, [
            Daemon(cpu: 256, memory: 512, tcp: [9100], instances: "new"),
            Daemon(group: "daemon:metrics", cpu: 128, memory: 256, instances: "new"),
            Daemon(group: "daemon:placed", cpu: 1000, memory: 1000, instances: "other"),
        ]);

        Assert.Equal((1664, 3328), (reserved.Remaining.Cpu, reserved.Remaining.Memory));
        Assert.Equal([22, 9100], reserved.Remaining.TcpPorts.Order());
        Assert.Equal([22], instance.Remaining.TcpPorts);
    }

    [Fact]
    public void A_task_wanting_the_daemons_host_port_goes_elsewhere()
    {
        var snapshot = new ClusterSnapshot([Instance("new"), Instance("old", tasks: PlacedTasks(Agent, 1))]);

        var plan = Place(DaemonReservations.Reserve(snapshot, [Daemon(tcp: [9100], instances: ["new", "old"])]), Request(tcp: [9100]));

        Assert.Equal(Arn("old"), Assert.Single(plan.Placements).ContainerInstanceArn);
    }
}
