using Berth.Agent.Networking;
using Berth.Agent.Tests.Support;
using Berth.Core.Agent;
using Berth.Core.Networking;
using Docker.DotNet.Models;
using Xunit.Abstractions;

namespace Berth.Agent.Tests.Networking;

/// <summary>
/// The pool of ready pause containers on the real Docker engine: a task takes one and gets its address on it, the
/// pool fills again, an agent's shutdown removes the idle ones and its next start what a crash left.
/// </summary>
public sealed class PausePoolTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly SecurityGroup Web = TestSubnet.Group("sg-web", TestSubnet.Tcp(80, fromCidr: "0.0.0.0/0"));

    [Fact]
    public async Task A_task_takes_a_ready_pause_container_on_its_address_and_the_pool_fills_again()
    {
        await using var h = await AgentHarness.StartAsync(output);
        await using var subnet = new TestSubnet(h.Namespace);
        // The first task of a subnet makes its own pause container; from then on the subnet has a pool.
        await h.RunUntilAsync(subnet.Attach(TestTasks.Assignment("first", null, TestTasks.Web()), Web), "RUNNING", Timeout);
        var ready = await UntilIdleAsync(h.Namespace, 2);

        var second = subnet.Attach(TestTasks.Assignment("second", null, TestTasks.Web()), Web);
        var report = await h.RunUntilAsync(second, "RUNNING", Timeout);

        var pauseId = await PauseOfAsync(report);
        Assert.Contains(pauseId, ready);
        var pause = await DockerEnvironment.Client.Containers.InspectContainerAsync(pauseId);
        var endpoint = Assert.Single(pause.NetworkSettings!.Networks!);
        Assert.Equal(subnet.NetworkName, endpoint.Key);
        Assert.Equal(second.Network!.PrivateIPv4Address, endpoint.Value.IPAddress);
        Assert.Equal(second.Network.MacAddress, endpoint.Value.MacAddress);
        Assert.Contains("hello from berth/sample-web", await Waits.HttpGetAsync($"http://{second.Network.PrivateIPv4Address}:80/"), StringComparison.Ordinal);
        Assert.Contains($"-d {second.Network.PrivateIPv4Address}/32", subnet.ChainRules(), StringComparison.Ordinal);

        var refilled = await UntilIdleAsync(h.Namespace, 2);
        Assert.DoesNotContain(pauseId, refilled);
    }

    [Fact]
    public async Task Shutdown_removes_the_idle_pool_and_a_restart_removes_what_a_crash_left_but_keeps_the_taken_one()
    {
        await using var h = await AgentHarness.StartAsync(output);
        await using var subnet = new TestSubnet(h.Namespace);
        await h.RunUntilAsync(subnet.Attach(TestTasks.Assignment("first", null, TestTasks.Web()), Web), "RUNNING", Timeout);
        await UntilIdleAsync(h.Namespace, 2);
        var task = subnet.Attach(TestTasks.Assignment("pooled", null, TestTasks.Web()), Web);
        var arn = task.Task.TaskArn!;
        var address = task.Network!.PrivateIPv4Address;
        var report = await h.RunUntilAsync(task, "RUNNING", Timeout);
        var webId = report.Containers.Single().RuntimeId!;
        var pauseId = await PauseOfAsync(report);

        await h.StopAgentAsync();
        Assert.Equal([pauseId], (await PooledAsync(h.Namespace)).Select(c => c.ID));

        // What a crash leaves: a ready container, and one taken (given an address) before its task's containers existed.
        var idle = await StartPooledAsync(h.Namespace, subnet, null);
        var taken = await StartPooledAsync(h.Namespace, subnet, subnet.Attach(TestTasks.Assignment("lost", null, TestTasks.Web())).Network!.PrivateIPv4Address);
        subnet.FlushChain();
        var reportsBefore = h.Server.Reports.Count;
        await h.StartAgentAsync();

        await Waits.UntilContainerGoneAsync(idle);
        await Waits.UntilContainerGoneAsync(taken);
        var adopted = await h.Server.WaitForReportAsync(arn, r => r.LastStatus == "RUNNING", Timeout, reportsBefore);
        Assert.Equal(webId, adopted.Containers.Single().RuntimeId);
        Assert.Contains($"-d {address}/32", subnet.ChainRules(), StringComparison.Ordinal);
        Assert.Contains("hello from berth/sample-web", await Waits.HttpGetAsync($"http://{address}:80/"), StringComparison.Ordinal);

        // The taken container is the task's: it goes with the task.
        h.Server.SetDesiredStatus(arn, "STOPPED");
        await h.Server.WaitForReportAsync(arn, r => r.LastStatus == "STOPPED", Timeout);
        h.Server.Unassign(arn);
        await Waits.UntilContainerGoneAsync(pauseId);
    }

    private static async Task<string> PauseOfAsync(AgentTaskReport report)
    {
        var web = await DockerEnvironment.Client.Containers.InspectContainerAsync(report.Containers.Single().RuntimeId!);
        Assert.StartsWith("container:", web.HostConfig!.NetworkMode, StringComparison.Ordinal);
        var pauseId = web.HostConfig!.NetworkMode["container:".Length..];
        Assert.Equal(pauseId, web.Config!.Labels![TaskSandbox.JoinsLabel]);
        return pauseId;
    }

    private static async Task<IList<ContainerListResponse>> PooledAsync(string agentNamespace) =>
        await DockerEnvironment.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{DockerLabels.AgentNamespace}={agentNamespace}"] = true, [PausePool.PoolLabel] = true },
            },
        });

    /// <summary>Waits until <paramref name="count"/> pooled containers are ready (running, on no network), and returns their ids.</summary>
    private static async Task<IReadOnlyList<string>> UntilIdleAsync(string agentNamespace, int count)
    {
        IReadOnlyList<string> idle = [];
        await Waits.UntilAsync(async () =>
        {
            idle = (await PooledAsync(agentNamespace)).Where(c => c.State == "running" && (c.NetworkSettings?.Networks?.Count ?? 0) == 0).Select(c => c.ID).ToList();
            return idle.Count == count;
        }, Timeout);
        return idle;
    }

    /// <summary>A pooled container as the agent makes one, left running: on no network, or attached at <paramref name="address"/>.</summary>
    private static async Task<string> StartPooledAsync(string agentNamespace, TestSubnet subnet, string? address)
    {
        var created = await DockerEnvironment.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = "berth/pause",
            Labels = new Dictionary<string, string> { [DockerLabels.AgentNamespace] = agentNamespace, [PausePool.PoolLabel] = "crashed" },
            HostConfig = new HostConfig { NetworkMode = subnet.NetworkName },
            NetworkingConfig = address is null ? null : new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings> { [subnet.NetworkName] = new() { IPAMConfig = new EndpointIPAMConfig { IPv4Address = address } } },
            },
        });
        await DockerEnvironment.Client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
        if (address is null)
        {
            await DockerEnvironment.Client.Networks.DisconnectNetworkAsync(subnet.NetworkName, new NetworkDisconnectParameters { Container = created.ID });
        }
        return created.ID;
    }
}
