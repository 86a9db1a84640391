using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Berth.Api.Tests.Agent;
using Berth.Api.Tests.Ecs;

namespace Berth.Api.Tests.Networking;

/// <summary>RunTask and DescribeTasks for awsvpc tasks against the seeded VPC (subnet-local-a/b, sg-web, default group).</summary>
public sealed class AwsvpcTaskApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private readonly EcsClient _ecs = server.NewClient();

    private async Task<string> ClusterAsync(string cluster)
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = cluster });
        var instance = await ClusterCapacity.RegisterInstanceAsync(_ecs, cluster, $"i-{cluster}", cpu: 4096, memory: 8192,
            attributes: [new { name = "ecs.capability.task-eni" }]);
        await _ecs.OkAsync("RegisterTaskDefinition", new
        {
            family = $"{cluster}-web",
            networkMode = "awsvpc",
            cpu = "256",
            memory = "512",
            containerDefinitions = new object[]
            {
                new { name = "web", image = "berth/sample-web", portMappings = new[] { new { containerPort = 80 } } },
                new { name = "sidecar", image = "berth/sample-tools" },
            },
        });
        return instance;
    }

    private static object Network(string[] subnets, string[]? securityGroups = null) =>
        new { awsvpcConfiguration = new { subnets, securityGroups, assignPublicIp = "DISABLED" } };

    [Fact]
    public async Task Each_task_gets_an_eni_with_its_own_address_reported_as_ecs_does()
    {
        await ClusterAsync("eni");

        var run = await _ecs.OkAsync("RunTask", new { cluster = "eni", taskDefinition = "eni-web", count = 2, networkConfiguration = Network(["subnet-local-a"], ["sg-web"]) });

        var arns = run["tasks"]!.AsArray().Select(t => (string)t!["taskArn"]!).ToArray();
        var described = (await _ecs.OkAsync("DescribeTasks", new { cluster = "eni", tasks = arns }))["tasks"]!.AsArray();
        var addresses = new List<string>();
        foreach (var task in described)
        {
            var eni = Assert.Single(task!["attachments"]!.AsArray())!;
            Assert.Equal("ElasticNetworkInterface", (string)eni["type"]!);
            Assert.Equal("ATTACHED", (string)eni["status"]!);
            Assert.Matches("^[0-9a-f-]{36}$", (string)eni["id"]!);
            var details = eni["details"]!.AsArray().ToDictionary(d => (string)d!["name"]!, d => (string)d!["value"]!);
            Assert.Equal(["subnetId", "networkInterfaceId", "macAddress", "privateDnsName", "privateIPv4Address"], details.Keys);
            Assert.Equal("subnet-local-a", details["subnetId"]);
            Assert.Matches("^eni-[0-9a-f]{17}$", details["networkInterfaceId"]);
            var address = details["privateIPv4Address"];
            Assert.StartsWith("10.200.1.", address, StringComparison.Ordinal);
            Assert.Equal($"ip-{address.Replace('.', '-')}.{_ecs.Region}.compute.internal", details["privateDnsName"]);
            Assert.Matches("^02:42:0a:c8:01:[0-9a-f]{2}$", details["macAddress"]);
            foreach (var container in task["containers"]!.AsArray())
            {
                var nic = Assert.Single(container!["networkInterfaces"]!.AsArray())!;
                Assert.Equal((string)eni["id"]!, (string)nic["attachmentId"]!);
                Assert.Equal(address, (string)nic["privateIpv4Address"]!);
            }
            addresses.Add(address);
        }
        Assert.Equal(2, addresses.Distinct().Count());
    }

    [Fact]
    public async Task Awsvpc_ports_take_no_host_ports_so_copies_share_an_instance()
    {
        var instance = await ClusterAsync("ports");

        var run = await _ecs.OkAsync("RunTask", new { cluster = "ports", taskDefinition = "ports-web", count = 3, networkConfiguration = Network(["subnet-local-a"]) });

        Assert.Equal(3, run["tasks"]!.AsArray().Count);
        Assert.Empty(run["failures"]!.AsArray());
        var described = (await _ecs.OkAsync("DescribeContainerInstances", new { cluster = "ports", containerInstances = new[] { instance } }))["containerInstances"]![0]!;
        Assert.Equal(["22"], described["remainingResources"]!.AsArray().Single(r => (string)r!["name"]! == "PORTS")!["stringSetValue"]!.AsArray().Select(p => (string)p!));
    }

    [Fact]
    public async Task A_stopped_tasks_address_is_given_out_again()
    {
        var instance = await ClusterAsync("reuse");
        // subnet-local-b is this test's alone, so the addresses are known.
        var first = await RunOneAsync("reuse", "subnet-local-b");
        Assert.Equal("10.200.2.4", AddressOf(first));
        Assert.Equal("10.200.2.5", AddressOf(await RunOneAsync("reuse", "subnet-local-b")));

        await AgentReports.ReportAsync(server.Http, instance, (string)first["taskArn"]!, "STOPPED", "web", "sidecar");

        Assert.Equal("10.200.2.4", AddressOf(await RunOneAsync("reuse", "subnet-local-b")));
    }

    [Theory]
    [InlineData(null, "Network Configuration must be provided when networkMode 'awsvpc' is specified.")]
    [InlineData("subnet-nowhere", "Error retrieving subnet information for [subnet-nowhere]: The subnet ID 'subnet-nowhere' does not exist")]
    public async Task Awsvpc_tasks_need_a_known_subnet(string? subnet, string message)
    {
        await ClusterAsync(subnet is null ? "nonet" : "badnet");
        var cluster = subnet is null ? "nonet" : "badnet";

        var (type, error) = await _ecs.ErrorAsync("RunTask", subnet is null
            ? new { cluster, taskDefinition = $"{cluster}-web" }
            : new { cluster, taskDefinition = $"{cluster}-web", networkConfiguration = Network([subnet]) });

        Assert.Equal("InvalidParameterException", type);
        Assert.Equal(message, error);
    }

    [Fact]
    public async Task Unknown_security_groups_and_bridge_tasks_with_a_network_are_refused()
    {
        await ClusterAsync("refusals");
        await ClusterCapacity.RegisterWebAsync(_ecs, "refusals-bridge");

        var (type, message) = await _ecs.ErrorAsync("RunTask",
            new { cluster = "refusals", taskDefinition = "refusals-web", networkConfiguration = Network(["subnet-local-a"], ["sg-nope"]) });
        Assert.Equal("InvalidParameterException", type);
        Assert.Equal("Error retrieving security group information for [sg-nope]: The security group 'sg-nope' does not exist", message);

        (type, message) = await _ecs.ErrorAsync("RunTask",
            new { cluster = "refusals", taskDefinition = "refusals-bridge", networkConfiguration = Network(["subnet-local-a"]) });
        Assert.Equal("InvalidParameterException", type);
        Assert.Equal("Network Configuration is not valid for the given networkMode of this task definition.", message);
    }

    private async Task<JsonNode> RunOneAsync(string cluster, string subnet) =>
        (await _ecs.OkAsync("RunTask", new { cluster, taskDefinition = $"{cluster}-web", networkConfiguration = Network([subnet]) }))["tasks"]![0]!;

    private static string AddressOf(JsonNode task) =>
        (string)task["attachments"]![0]!["details"]!.AsArray().Single(d => (string)d!["name"]! == "privateIPv4Address")!["value"]!;
}
