using System.Net;
using System.Text.Json.Nodes;
using Berth.Api.Tests.Ecs;

namespace Berth.Api.Tests.Agent;

/// <summary>The batch report route over HTTP: each report answered on its own, and a request over the size bound refused whole.</summary>
public sealed class AgentReportsApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private readonly EcsClient _ecs = server.NewClient();

    [Fact]
    public async Task A_batch_answers_each_report_and_applies_the_ones_it_can()
    {
        await ClusterCapacity.ClusterWithWebAsync(_ecs, "batch");
        var instance = await ClusterCapacity.RegisterInstanceAsync(_ecs, "batch", "i-batch");
        var run = await _ecs.OkAsync("RunTask", new { cluster = "batch", taskDefinition = "web", count = 3 });
        var (started, stopped, misplaced) = ((string)run["tasks"]![0]!["taskArn"]!, (string)run["tasks"]![1]!["taskArn"]!, (string)run["tasks"]![2]!["taskArn"]!);
        var other = await ClusterCapacity.RegisterInstanceAsync(_ecs, "batch", "i-batch-other");
        var gone = started[..(started.LastIndexOf('/') + 1)] + "00000000000000000000000000000000";

        using var response = await AgentReports.PostAsync(server.Http,
            AgentReports.Of(instance, started, "RUNNING", "web"),
            AgentReports.Of(instance, gone, "RUNNING", "web"),
            AgentReports.Of(instance, stopped, "STOPPED", "web"),
            AgentReports.Of(other, misplaced, "RUNNING", "web"));

        // The root user may speak for any instance, but a report naming the wrong one is not applied (an agent would be told notOwn).
        Assert.Equal(["applied", "notFound", "applied", "notFound"], await AgentReports.OutcomesAsync(response));
        Assert.Equal(["RUNNING", "STOPPED", "PENDING"], [(string)(await DescribeAsync(started))["lastStatus"]!,
            (string)(await DescribeAsync(stopped))["lastStatus"]!, (string)(await DescribeAsync(misplaced))["lastStatus"]!]);
        // The stopped task gave its room back.
        var described = await _ecs.OkAsync("DescribeContainerInstances", new { cluster = "batch", containerInstances = new[] { instance } });
        Assert.Equal(2048 - (2 * 256), ClusterCapacity.Resource(described["containerInstances"]![0]!, "remainingResources", "CPU"));
    }

    [Fact]
    public async Task A_batch_over_the_bound_is_refused_whole()
    {
        var reports = Enumerable.Range(0, 101).Select(i => AgentReports.Of("arn:aws:ecs:us-east-1:000000000000:container-instance/none/x", $"arn:aws:ecs:us-east-1:000000000000:task/none/{i}", "RUNNING")).ToArray();

        using var response = await AgentReports.PostAsync(server.Http, reports);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most 100 reports", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<JsonNode> DescribeAsync(string task) =>
        (await _ecs.OkAsync("DescribeTasks", new { cluster = "batch", tasks = new[] { task } }))["tasks"]![0]!;
}
