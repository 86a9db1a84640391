using Berth.Agent.Tests.Support;
using Berth.Core.Ecs;
using Xunit.Abstractions;
using KeyValuePair = Berth.Core.Ecs.KeyValuePair;

namespace Berth.Agent.Tests.Networking;

/// <summary>
/// awsvpc on the real Docker engine: each task its own namespace and address in its subnet, containers of one
/// task on localhost, security group ingress enforced between tasks.
/// </summary>
public sealed class AwsvpcTaskTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Each_task_gets_its_own_address_in_the_subnet_reachable_from_the_host()
    {
        await using var h = await AgentHarness.StartAsync(output);
        await using var subnet = new TestSubnet(h.Namespace);
        var web = TestSubnet.Group("sg-web", TestSubnet.Tcp(80, fromCidr: "0.0.0.0/0"));
        var first = subnet.Attach(TestTasks.Assignment("web-a", null, TestTasks.Web()), web);
        var second = subnet.Attach(TestTasks.Assignment("web-b", null, TestTasks.Web()), web);

        var runningFirst = await h.RunUntilAsync(first, "RUNNING", Timeout);
        var runningSecond = await h.RunUntilAsync(second, "RUNNING", Timeout);

        foreach (var (task, report) in new[] { (first, runningFirst), (second, runningSecond) })
        {
            var address = task.Network!.PrivateIPv4Address;
            var body = await Waits.HttpGetAsync($"http://{address}:80/");
            Assert.Contains("hello from berth/sample-web", body, StringComparison.Ordinal);
            // No host port is published: the task is reached on its own address.
            Assert.Empty(Assert.Single(report.Containers).NetworkBindings ?? []);

            var container = await DockerEnvironment.Client.Containers.InspectContainerAsync(report.Containers[0].RuntimeId!);
            Assert.StartsWith("container:", container.HostConfig!.NetworkMode, StringComparison.Ordinal);
            var pause = await DockerEnvironment.Client.Containers.InspectContainerAsync(container.HostConfig!.NetworkMode["container:".Length..]);
            var endpoint = pause.NetworkSettings!.Networks![subnet.NetworkName];
            Assert.Equal(address, endpoint.IPAddress);
            Assert.Equal(task.Network.MacAddress, endpoint.MacAddress);
            Assert.Equal("~internal~ecs~pause", pause.Config!.Labels!["com.amazonaws.ecs.container-name"]);
        }
        Assert.NotEqual(first.Network!.PrivateIPv4Address, second.Network!.PrivateIPv4Address);
    }

    [Fact]
    public async Task Containers_of_one_task_reach_each_other_on_localhost()
    {
        await using var h = await AgentHarness.StartAsync(output);
        await using var subnet = new TestSubnet(h.Namespace);
        var task = subnet.Attach(TestTasks.Assignment("pair", null,
            TestTasks.Web(),
            TestTasks.Tools("probe", Probe("127.0.0.1", 80, expectOpen: true), essential: false)),
            TestSubnet.Group("sg-none"));

        await h.RunUntilAsync(task, "RUNNING", Timeout);
        var report = await h.Server.WaitForReportAsync(task.Task.TaskArn!,
            r => r.Containers.Any(c => c.Name == "probe" && c.LastStatus == "STOPPED"), Timeout);

        Assert.Equal(0, report.Containers.Single(c => c.Name == "probe").ExitCode);
    }

    [Fact]
    public async Task Security_groups_admit_only_the_ports_and_sources_their_rules_name()
    {
        await using var h = await AgentHarness.StartAsync(output);
        await using var subnet = new TestSubnet(h.Namespace);
        var server = TestSubnet.Group("sg-server", TestSubnet.Tcp(80, fromGroup: "sg-client"));
        var client = TestSubnet.Group("sg-client");
        var stranger = TestSubnet.Group("sg-stranger");
        // Port 80 is open to sg-client; 8080 listens too but no rule admits it.
        var target = subnet.Attach(TestTasks.Assignment("server", null,
            TestTasks.Web(),
            TestTasks.Web("admin") with { Environment = [new KeyValuePair { Name = "PORT", Value = "8080" }], PortMappings = [] }), server);
        await h.RunUntilAsync(target, "RUNNING", Timeout);
        var address = target.Network!.PrivateIPv4Address;
        // Both ports listen: the host, outside every security group, reaches them.
        await Waits.HttpGetAsync($"http://{address}:80/health");
        await Waits.HttpGetAsync($"http://{address}:8080/health");

        var allowed = subnet.Attach(TestTasks.Assignment("client", null,
            TestTasks.Tools("probe", $"{Probe(address, 80, expectOpen: true)} && {Probe(address, 8080, expectOpen: false)}")), client);
        var refused = subnet.Attach(TestTasks.Assignment("stranger", null,
            TestTasks.Tools("probe", Probe(address, 80, expectOpen: false))), stranger);

        var fromClient = await h.RunUntilAsync(allowed, "STOPPED", Timeout);
        var fromStranger = await h.RunUntilAsync(refused, "STOPPED", Timeout);

        Assert.Equal(0, Assert.Single(fromClient.Containers).ExitCode);
        Assert.Equal(0, Assert.Single(fromStranger.Containers).ExitCode);

        // A stopped task's address leaves the rules.
        Assert.Contains($"-d {address}/32", subnet.ChainRules(), StringComparison.Ordinal);
        h.Server.SetDesiredStatus(target.Task.TaskArn!, "STOPPED");
        await h.Server.WaitForReportAsync(target.Task.TaskArn!, r => r.LastStatus == "STOPPED", Timeout);
        Assert.DoesNotContain($"-d {address}/32", subnet.ChainRules(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restarted_agent_adopts_the_task_on_its_address_and_puts_its_rules_back()
    {
        await using var h = await AgentHarness.StartAsync(output);
        await using var subnet = new TestSubnet(h.Namespace);
        var task = subnet.Attach(TestTasks.Assignment("keep", null, TestTasks.Web()), TestSubnet.Group("sg-web", TestSubnet.Tcp(80, fromCidr: "0.0.0.0/0")));
        var arn = task.Task.TaskArn!;
        var address = task.Network!.PrivateIPv4Address;
        var webId = (await h.RunUntilAsync(task, "RUNNING", Timeout)).Containers.Single().RuntimeId!;
        var pauseId = (await DockerEnvironment.Client.Containers.InspectContainerAsync(webId)).HostConfig!.NetworkMode["container:".Length..];

        await h.StopAgentAsync();
        subnet.FlushChain();
        Assert.DoesNotContain($"-d {address}/32", subnet.ChainRules(), StringComparison.Ordinal);
        var reportsBefore = h.Server.Reports.Count;
        await h.StartAgentAsync();

        var adopted = await h.Server.WaitForReportAsync(arn, r => r.LastStatus == "RUNNING", Timeout, reportsBefore);
        Assert.Equal(webId, adopted.Containers.Single().RuntimeId);
        Assert.Contains($"-d {address}/32", subnet.ChainRules(), StringComparison.Ordinal);
        Assert.Contains("hello from berth/sample-web", await Waits.HttpGetAsync($"http://{address}:80/"), StringComparison.Ordinal);

        // Stopped and unlisted, the task takes its pause container with it.
        h.Server.SetDesiredStatus(arn, "STOPPED");
        await h.Server.WaitForReportAsync(arn, r => r.LastStatus == "STOPPED", Timeout);
        h.Server.Unassign(arn);
        await Waits.UntilContainerGoneAsync(pauseId);
    }

    /// <summary>
    /// A shell line that exits 0 when a GET of <paramref name="host"/>:<paramref name="port"/>/health answers (within
    /// a few tries) and <paramref name="expectOpen"/>, or when every try fails and not <paramref name="expectOpen"/>.
    /// nc, not wget: the sample image's busybox wget crashes after a download.
    /// </summary>
    private static string Probe(string host, int port, bool expectOpen)
    {
        var get = $"printf 'GET /health HTTP/1.0\\r\\n\\r\\n' | nc -w 2 {host} {port} | grep -q '^ok'";
        return expectOpen
            ? $"(for i in 1 2 3 4 5 6 7 8 9 10; do {get} && exit 0; sleep 0.5; done; exit 1)"
            : $"(for i in 1 2; do {get} && exit 1; done; exit 0)";
    }
}
