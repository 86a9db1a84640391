using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Berth.Core.Agent;
using Berth.Core.Ecs;
using Berth.Core.Networking;
using Berth.Core.State;
using Berth.Store;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Api.Tests.Cleanup;

/// <summary>
/// <c>/_berth/cleanup</c> on a server of its own (the report covers the whole default region) with one leftover of each
/// kind, made through the APIs where one exists and written to the store for what only an agent makes: the report
/// names each, and the POST applies what it can through the API's own operations.
/// </summary>
public class CleanupApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private const string Region = "us-east-1";
    private const string Ecs = $"arn:aws:ecs:{Region}:{EcsClient.Account}";
    private const string InstanceArn = $"{Ecs}:container-instance/tidy/0123456789abcdef";
    private const string UnknownTask = $"{Ecs}:task/earlier-run/feedface";
    private const string UnknownBridgeTask = $"{Ecs}:task/earlier-run/cafe";

    private readonly EcsClient _ecs = server.Client(null);
    private readonly EcsClient _logs = new(server.Http, null, "Logs_20140328");
    private readonly Elb.ElbClient _elb = new(server.Http, Region);

    private static Dictionary<string, string> Leftovers(JsonNode report) =>
        report["leftovers"]!.AsArray().ToDictionary(l => l!["resource"]!.GetValue<string>(), l => l!["kind"]!.GetValue<string>());

    private async Task<JsonNode> ReportAsync(string query = "")
    {
        using var response = await server.Http.GetAsync(new Uri("/_berth/cleanup" + query, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    [Fact]
    public async Task Each_kind_of_leftover_is_reported_and_apply_removes_what_it_can()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "tidy" });
        var containers = new[] { new { name = "web", image = "berth/sample-web", memory = 64 } };
        await _ecs.OkAsync("RegisterTaskDefinition", new { family = "tidy-web", containerDefinitions = containers });
        await _ecs.OkAsync("RegisterTaskDefinition", new { family = "tidy-web", containerDefinitions = containers });
        await _ecs.OkAsync("DeregisterTaskDefinition", new { taskDefinition = "tidy-web:1" });
        await _ecs.OkAsync("CreateService", new { cluster = "tidy", serviceName = "idle", taskDefinition = "tidy-web:2", desiredCount = 0 });
        var balancer = await _elb.CreateLoadBalancerAsync("tidy-lb");
        var group = await _elb.CreateTargetGroupAsync("tidy-tg");
        await _logs.OkAsync("CreateLogGroup", new { logGroupName = "/tidy/app" });
        var store = server.Services.GetRequiredService<IStateStore>();
        var longAgo = DateTimeOffset.UtcNow.AddHours(-2);
        var silent = new ContainerInstanceRecord(
            new ContainerInstance
            {
                ContainerInstanceArn = InstanceArn,
                Status = "ACTIVE",
                RegisteredResources = [new Resource { Name = "CPU", IntegerValue = 1024 }, new Resource { Name = "MEMORY", IntegerValue = 2048 }],
            },
            new AgentIdentity { InstanceId = "i-tidy", AvailabilityZone = "us-east-1a", HostAddress = "127.0.0.1" },
            AssignmentsVersion: 1);
        await store.CommitAsync(
        [
            EcsRecords.PutInstance(silent, 0),
            EcsRecords.PutHeartbeat(silent, new AgentHeartbeatRecord(longAgo), 0),
            NetworkRecords.PutAttachments(new EngineAttachments(InstanceArn, [new AttachedAddress("subnet-local-a", "10.20.0.99", UnknownTask)],
                [UnknownBridgeTask, UnknownTask]), 0),
        ], CancellationToken.None);

        // The service changed just now: it counts with idleDays 0, not with the default week.
        Assert.DoesNotContain($"{Ecs}:service/tidy/idle", Leftovers(await ReportAsync()).Keys);
        var report = await ReportAsync("?idleDays=0");
        Assert.Equal(new Dictionary<string, string>
        {
            [$"{Ecs}:service/tidy/idle"] = "service",
            [$"{Ecs}:task-definition/tidy-web:1"] = "task-definition",
            [balancer] = "load-balancer",
            [group] = "target-group",
            ["/tidy/app"] = "log-group",
            [InstanceArn] = "container-instance",
            [UnknownTask] = "containers",
            [UnknownBridgeTask] = "containers",
        }, Leftovers(report));
        Assert.Null(report["applied"]);

        using var applied = await server.Http.PostAsJsonAsync(new Uri("/_berth/cleanup", UriKind.Relative), new { idleDays = 0, retentionDays = 14 });
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        var outcomes = JsonNode.Parse(await applied.Content.ReadAsStringAsync())!["applied"]!.AsArray()
            .Select(a => $"{a!["resource"]!.GetValue<string>()}: {a["error"]?.GetValue<string>() ?? "done"}");
        // Every kind but the unknown containers, which only Docker on their host can remove; all done.
        Assert.Equal(
            string.Join("\n", new[] { $"{Ecs}:service/tidy/idle", $"{Ecs}:task-definition/tidy-web:1", balancer, group, "/tidy/app", InstanceArn }.Select(r => $"{r}: done")),
            string.Join("\n", outcomes));

        var service = (await _ecs.OkAsync("DescribeServices", new { cluster = "tidy", services = new[] { "idle" } }))["services"]![0]!;
        // DRAINING, and INACTIVE once the scheduler sees it has no task left.
        Assert.Contains(service["status"]!.GetValue<string>(), new[] { "DRAINING", "INACTIVE" });
        var revision = (await _ecs.OkAsync("DescribeTaskDefinition", new { taskDefinition = "tidy-web:1" }))["taskDefinition"]!;
        Assert.Equal("DELETE_IN_PROGRESS", revision["status"]!.GetValue<string>());
        Assert.Equal("LoadBalancerNotFound", (await _elb.ErrorAsync("DescribeLoadBalancers", ("LoadBalancerArns.member.1", balancer))).Code);
        Assert.Equal("TargetGroupNotFound", (await _elb.ErrorAsync("DescribeTargetGroups", ("TargetGroupArns.member.1", group))).Code);
        var logGroup = (await _logs.OkAsync("DescribeLogGroups", new { logGroupNamePrefix = "/tidy/" }))["logGroups"]![0]!;
        Assert.Equal(14, logGroup["retentionInDays"]!.GetValue<int>());
        Assert.Null(await store.GetAsync(EcsRecords.ContainerInstances, InstanceArn, CancellationToken.None));
        Assert.Equal(new Dictionary<string, string> { [UnknownTask] = "containers", [UnknownBridgeTask] = "containers" },
            Leftovers(await ReportAsync("?idleDays=0")));
    }

    [Theory]
    [InlineData("?idleDays=-1", "idleDays '-1' is not a whole number.")]
    [InlineData("?retentionDays=10", "retentionDays 10 is not one of CloudWatch Logs' values")]
    public async Task A_bad_parameter_is_a_validation_error(string query, string message)
    {
        using var response = await server.Http.GetAsync(new Uri("/_berth/cleanup" + query, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("ValidationException", error["__type"]!.GetValue<string>());
        Assert.StartsWith(message, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
