using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Berth.Api.Tests.Agent;
using Berth.Api.Tests.Ecs;

namespace Berth.Api.Tests.Events;

public sealed class EventStreamApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private const string TaskStateChange = "ECS Task State Change";

    private readonly EcsClient _ecs = server.NewClient();

    /// <summary>A cluster with one instance and the "web" task definition; returns the instance's ARN.</summary>
    private static async Task<string> ClusterAsync(EcsClient ecs, string cluster)
    {
        await ecs.OkAsync("CreateCluster", new { clusterName = cluster });
        await ClusterCapacity.RegisterWebAsync(ecs, "web", cpu: 10, memory: 10);
        return await ClusterCapacity.RegisterInstanceAsync(ecs, cluster, $"i-{cluster}");
    }

    private static async Task<string> RunAsync(EcsClient ecs, string cluster) =>
        (string)(await ecs.OkAsync("RunTask", new { cluster, taskDefinition = "web" }))["tasks"]![0]!["taskArn"]!;

    /// <summary>What the agent says when the task's containers reach <paramref name="status"/>.</summary>
    private static Task ReportAsync(HttpClient http, string instanceArn, string taskArn, string status) =>
        AgentReports.ReportAsync(http, instanceArn, taskArn, status, "web");

    private static string Query(string clusterArn, long? after = null) =>
        $"?cluster={Uri.EscapeDataString(clusterArn)}" + (after is { } id ? $"&after={id}" : "");

    [Fact]
    public async Task The_stream_shows_each_state_change_of_a_RunTask_task_in_order()
    {
        var instance = await ClusterAsync(_ecs, "lifecycle");
        await using var stream = await EventStream.OpenAsync(server.Http, Query(_ecs.ClusterArn("lifecycle")));

        var task = await RunAsync(_ecs, "lifecycle");
        await ReportAsync(server.Http, instance, task, "RUNNING");
        await _ecs.OkAsync("StopTask", new { cluster = "lifecycle", task });
        await ReportAsync(server.Http, instance, task, "STOPPED");

        var events = await stream.ReadAsync(4);
        Assert.Equal(["PENDING/RUNNING", "RUNNING/RUNNING", "RUNNING/STOPPED", "STOPPED/STOPPED"], events.Select(e => e.Statuses));
        Assert.All(events, e => Assert.Equal(TaskStateChange, e.Type));
        Assert.All(events, e => Assert.Equal(task, (string?)e.Detail["taskArn"]));
        Assert.Equal(events.Select(e => e.Id).Order(), events.Select(e => e.Id));
        Assert.Equal(4, events.Select(e => e.Id).Distinct().Count());
        var envelope = events[0].Data;
        Assert.Equal(TaskStateChange, (string?)envelope["detail-type"]);
        Assert.Equal(_ecs.Region, (string?)envelope["region"]);
        Assert.Equal(EcsClient.Account, (string?)envelope["account"]);
        Assert.Equal(task, (string?)envelope["resources"]![0]);
        Assert.Equal("UserInitiated", (string?)events[2].Detail["stopCode"]);
    }

    [Fact]
    public async Task Last_Event_ID_replays_exactly_the_events_missed_then_follows()
    {
        var instance = await ClusterAsync(_ecs, "resume");
        var query = Query(_ecs.ClusterArn("resume"));
        var task = await RunAsync(_ecs, "resume");
        long seen;
        await using (var first = await EventStream.OpenAsync(server.Http, query))
        {
            seen = Assert.Single(await first.ReadAsync(1)).Id;
        }

        await ReportAsync(server.Http, instance, task, "RUNNING");
        await _ecs.OkAsync("StopTask", new { cluster = "resume", task });

        await using var resumed = await EventStream.OpenAsync(server.Http, query, lastEventId: seen.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var missed = await resumed.ReadAsync(2);
        Assert.Equal(["RUNNING/RUNNING", "RUNNING/STOPPED"], missed.Select(e => e.Statuses));
        Assert.All(missed, e => Assert.True(e.Id > seen));
        await ReportAsync(server.Http, instance, task, "STOPPED");
        Assert.Equal("STOPPED/STOPPED", Assert.Single(await resumed.ReadAsync(1)).Statuses);

        // after= is the same resumption for clients that cannot set headers (curl, a plain link).
        await using var byQuery = await EventStream.OpenAsync(server.Http, Query(_ecs.ClusterArn("resume"), after: missed[0].Id));
        Assert.Equal(["RUNNING/STOPPED", "STOPPED/STOPPED"], (await byQuery.ReadAsync(2)).Select(e => e.Statuses));
    }

    [Fact]
    public async Task After_latest_skips_what_happened_before_the_stream_opened()
    {
        var instance = await ClusterAsync(_ecs, "latest");
        var before = await RunAsync(_ecs, "latest");
        await ReportAsync(server.Http, instance, before, "RUNNING");

        await using var stream = await EventStream.OpenAsync(server.Http, $"?cluster={Uri.EscapeDataString(_ecs.ClusterArn("latest"))}&after=latest");
        var after = await RunAsync(_ecs, "latest");

        var first = Assert.Single(await stream.ReadAsync(1));
        Assert.Equal(after, (string?)first.Detail["taskArn"]);
    }

    [Fact]
    public async Task A_cluster_filter_shows_that_clusters_events_only_and_takes_a_name()
    {
        // The default region (no SigV4 scope), so the stream can name the cluster the way the client does.
        var ecs = server.Client(null);
        await ClusterAsync(ecs, "filter-other");
        await ClusterAsync(ecs, "filter-mine");
        await using var stream = await EventStream.OpenAsync(server.Http, "?cluster=filter-mine&type=ECS%20Task%20State%20Change");

        await RunAsync(ecs, "filter-other");
        var mine = await RunAsync(ecs, "filter-mine");
        await RunAsync(ecs, "filter-other");
        var mineAgain = await RunAsync(ecs, "filter-mine");

        var events = await stream.ReadAsync(2);
        Assert.Equal([mine, mineAgain], events.Select(e => (string?)e.Detail["taskArn"]));
        Assert.All(events, e => Assert.Equal(ecs.ClusterArn("filter-mine"), (string?)e.Detail["clusterArn"]));
    }

    [Fact]
    public async Task A_services_new_events_and_its_deployments_rollout_come_as_their_own_types()
    {
        await ClusterAsync(_ecs, "svc");
        var cluster = Uri.EscapeDataString(_ecs.ClusterArn("svc"));
        await using var serviceEvents = await EventStream.OpenAsync(server.Http, $"?cluster={cluster}&type=ECS%20Service%20Event");
        await using var deployments = await EventStream.OpenAsync(server.Http, $"?cluster={cluster}&type=ECS%20Deployment%20State%20Change");

        var service = (await _ecs.OkAsync("CreateService", new { cluster = "svc", serviceName = "web", taskDefinition = "web", desiredCount = 1 }))["service"]!;

        var started = (await serviceEvents.ReadAsync(1))[0];
        Assert.StartsWith("(service web) has started 1 tasks: (task ", (string?)started.Detail["message"], StringComparison.Ordinal);
        Assert.Equal((string?)service["serviceArn"], (string?)started.Detail["serviceArn"]);
        Assert.Equal(_ecs.ClusterArn("svc"), (string?)started.Detail["clusterArn"]);
        Assert.Equal((string?)service["serviceArn"], (string?)started.Data["resources"]![0]);
        var described = (await _ecs.OkAsync("DescribeServices", new { cluster = "svc", services = new[] { "web" } }))["services"]![0]!;
        Assert.Contains(described["events"]!.AsArray(), e => (string?)e!["id"] == (string?)started.Detail["id"]);
        var rollout = (await deployments.ReadAsync(1))[0];
        Assert.Equal("SERVICE_DEPLOYMENT_IN_PROGRESS", (string?)rollout.Detail["eventName"]);
        Assert.Equal((string?)service["deployments"]![0]!["id"], (string?)rollout.Detail["deploymentId"]);
    }

    [Fact]
    public async Task An_unknown_cluster_is_refused_as_ECS_refuses_it()
    {
        using var response = await server.Http.GetAsync(new Uri("/_berth/events?cluster=nowhere", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/x-amz-json-1.1", response.Content.Headers.ContentType?.MediaType);
        JsonAssert.Equal("""{"__type":"ClusterNotFoundException","message":"Cluster not found."}""",
            JsonNode.Parse(await response.Content.ReadAsStringAsync()));
    }

    [Theory]
    [InlineData("?type=ECS%20Nothing")]
    [InlineData("?after=yesterday")]
    public async Task An_unknown_type_or_an_id_that_is_no_number_is_an_invalid_parameter(string query)
    {
        using var response = await server.Http.GetAsync(new Uri($"/_berth/events{query}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("InvalidParameterException", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["__type"]);
    }
}
