using Berth.Agent.Networking;
using Berth.Core.Agent;
using Berth.Core.Networking;
using Docker.DotNet.Models;

namespace Berth.Agent.Tests.Networking;

public sealed class SubnetAttachmentsTests
{
    [Fact]
    public void Every_address_on_a_berth_subnet_network_is_reported_with_its_task_whoever_made_the_container()
    {
        var containers = new[]
        {
            Container(new() { [DockerLabels.TaskArn] = "task-b" }, ("berth-subnet-a", "10.200.1.6")),
            Container(new(), ("berth-subnet-a", "10.200.1.4"), ("bridge", "172.17.0.2")),
            Container(new() { [DockerLabels.TaskArn] = "task-c" }, ("berth-subnet-b", "10.200.2.4")),
            Container(new() { [DockerLabels.TaskArn] = "stopped" }, ("berth-subnet-a", "")),
        };
        Assert.Equal(
            [new AttachedAddress("subnet-a", "10.200.1.4", null), new AttachedAddress("subnet-a", "10.200.1.6", "task-b"),
             new AttachedAddress("subnet-b", "10.200.2.4", "task-c")],
            SubnetAttachments.From(containers));
    }

    [Fact]
    public void A_pooled_pause_container_is_reported_with_the_task_whose_containers_join_it()
    {
        var pause = Container(new() { [PausePool.PoolLabel] = "subnet-a" }, ("berth-subnet-a", "10.200.1.7"));
        pause.ID = "pause";
        var idle = Container(new() { [PausePool.PoolLabel] = "subnet-a" });
        idle.ID = "idle";
        var containers = new[] { pause, Container(new() { [DockerLabels.TaskArn] = "task-d", [TaskSandbox.JoinsLabel] = "pause" }), idle };
        Assert.Equal([new AttachedAddress("subnet-a", "10.200.1.7", "task-d")], SubnetAttachments.From(containers));
    }

    [Fact]
    public void The_inventory_names_each_task_with_a_container_on_the_engine_once_whatever_its_network()
    {
        var containers = new[]
        {
            Container(new() { [DockerLabels.TaskArn] = "task-b" }, ("bridge", "172.17.0.3")),
            Container(new() { [DockerLabels.TaskArn] = "task-a" }, ("berth-subnet-a", "10.200.1.6")),
            Container(new() { [DockerLabels.TaskArn] = "task-b" }),
            Container(new()),
        };
        var inventory = EngineInventory.From(containers);
        Assert.Equal(["task-a", "task-b"], inventory.TaskArns);
        Assert.Equal([new AttachedAddress("subnet-a", "10.200.1.6", "task-a")], inventory.Addresses);
    }

    private static ContainerListResponse Container(Dictionary<string, string> labels, params (string Network, string Address)[] networks) => new()
    {
        Labels = labels,
        NetworkSettings = new NetworkSettingsSummary
        {
            Networks = networks.ToDictionary(n => n.Network, n => new EndpointSettings { IPAddress = n.Address }),
        },
    };
}
