using Berth.Agent.Docker;
using Berth.Agent.Tasks;
using Berth.Agent.Tests.Support;
using Berth.Core.Agent;
using Berth.Core.Networking;

namespace Berth.Agent.Tests.Tasks;

/// <summary>Where a task's requests come from, which the credentials endpoint checks them against.</summary>
public sealed class TaskViewTests
{
    private static ContainerView Container(string name, string? networkMode, params string[] addresses) => new(name, "token", "id-" + name, null, "RUNNING",
        null, "UNKNOWN", [], networkMode is null ? null : new ContainerObservation
        {
            Id = "id-" + name,
            DockerName = name,
            Phase = ContainerPhase.Running,
            EverStarted = true,
            Health = "UNKNOWN",
            NetworkMode = networkMode,
            IPv4Addresses = addresses,
        }, TestTasks.Web(name), RestartCount: 0);

    private static TaskView View(TaskAssignment assignment, params ContainerView[] containers) => new(assignment, "RUNNING", "RUNNING", null, null, null, containers);

    [Fact]
    public void A_bridge_task_sends_from_its_running_containers_addresses()
    {
        var task = TestTasks.Assignment("web", "bridge", TestTasks.Web("a"), TestTasks.Web("b"), TestTasks.Web("c"));

        Assert.Equal(["172.17.0.5", "172.17.0.6"], View(task, Container("a", "bridge", "172.17.0.6"), Container("b", "bridge", "172.17.0.5"), Container("c", null)).SourceAddresses);
    }

    [Fact]
    public void An_awsvpc_task_sends_from_its_ENI_before_any_container_runs()
    {
        var task = TestTasks.Assignment("web", "awsvpc", TestTasks.Web()) with
        {
            Network = new TaskNetworkAssignment { SubnetId = "s", CidrBlock = "10.0.1.0/24", PrivateIPv4Address = "10.0.1.4", MacAddress = "m", SecurityGroups = [] },
        };

        Assert.Equal(["10.0.1.4"], View(task, Container("web", null)).SourceAddresses);
    }

    [Fact]
    public void A_host_mode_container_has_no_address_of_its_own()
    {
        var task = TestTasks.Assignment("web", "host", TestTasks.Web());

        Assert.Empty(View(task, Container("web", "host", "192.168.1.10")).SourceAddresses);
    }
}
