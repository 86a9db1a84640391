using System.Text.Json.Nodes;

namespace Berth.Api.Tests.Ecs;

/// <summary>
/// ECS's agent-side operations (DiscoverPollEndpoint, Submit*StateChange(s), UpdateContainerAgent) and
/// ListServicesByNamespace, over HTTP against instances registered through the API, with no agent.
/// </summary>
public sealed class AgentOperationApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private readonly EcsClient _ecs = server.NewClient();

    private async Task<(string Instance, string Task)> RunAsync(string cluster)
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = cluster });
        var instance = await ClusterCapacity.RegisterInstanceAsync(_ecs, cluster, $"i-{cluster}");
        await ClusterCapacity.RegisterWebAsync(_ecs, cluster);
        var task = (string)(await _ecs.OkAsync("RunTask", new { cluster, taskDefinition = cluster }))["tasks"]![0]!["taskArn"]!;
        return (instance, task);
    }

    private async Task<JsonNode> DescribeAsync(string cluster, string task) =>
        (await _ecs.OkAsync("DescribeTasks", new { cluster, tasks = new[] { task } }))["tasks"]![0]!;

    [Fact]
    public async Task The_poll_endpoint_is_the_server_the_caller_reached()
    {
        var endpoints = await _ecs.OkAsync("DiscoverPollEndpoint", new { });

        var expected = server.Http.BaseAddress!.GetLeftPart(UriPartial.Authority);
        Assert.Equal((expected, expected, expected),
            ((string)endpoints["endpoint"]!, (string)endpoints["telemetryEndpoint"]!, (string)endpoints["serviceConnectEndpoint"]!));
    }

    [Fact]
    public async Task A_submitted_task_state_change_moves_the_task_and_its_containers_as_an_agent_report_does()
    {
        var (instance, task) = await RunAsync("submitted");

        var ack = await _ecs.OkAsync("SubmitTaskStateChange", new
        {
            cluster = "submitted",
            task,
            status = "RUNNING",
            containers = new[] { new { containerName = "web", status = "RUNNING", runtimeId = "c0ffee", networkBindings = new[] { new { containerPort = 80, hostPort = 32768, protocol = "tcp", bindIP = "0.0.0.0" } } } },
        });

        Assert.Equal("ACK", (string)ack["acknowledgment"]!);
        var running = await DescribeAsync("submitted", task);
        Assert.Equal(("RUNNING", "RUNNING", "c0ffee", 32768), ((string)running["lastStatus"]!, (string)running["containers"]![0]!["lastStatus"]!,
            (string)running["containers"]![0]!["runtimeId"]!, (int)running["containers"]![0]!["networkBindings"]![0]!["hostPort"]!));
        // The instance counts its tasks by their statuses (its claim on the instance stays as placed).
        var described = (await _ecs.OkAsync("DescribeContainerInstances", new { cluster = "submitted", containerInstances = new[] { instance } }))["containerInstances"]![0]!;
        Assert.Equal((1, 0), ((int)described["runningTasksCount"]!, (int)described["pendingTasksCount"]!));
        var counted = await _ecs.OkAsync("ListContainerInstances", new { cluster = "submitted", filter = "runningTasksCount == 1" });
        Assert.Equal([instance], counted["containerInstanceArns"]!.AsArray().Select(x => (string)x!));

        await _ecs.OkAsync("SubmitContainerStateChange", new { cluster = "submitted", task, containerName = "web", status = "STOPPED", exitCode = 3, reason = "done" });
        var exited = (await DescribeAsync("submitted", task))["containers"]![0]!;
        Assert.Equal(("STOPPED", 3, "done"), ((string)exited["lastStatus"]!, (int)exited["exitCode"]!, (string)exited["reason"]!));

        await _ecs.OkAsync("SubmitTaskStateChange", new { cluster = "submitted", task, status = "STOPPED", reason = "Essential container in task exited" });
        var stopped = await DescribeAsync("submitted", task);
        Assert.Equal(("STOPPED", "Essential container in task exited"), ((string)stopped["lastStatus"]!, (string)stopped["stoppedReason"]!));
        // The known status never moves back.
        await _ecs.OkAsync("SubmitTaskStateChange", new { cluster = "submitted", task, status = "RUNNING" });
        Assert.Equal("STOPPED", (string)(await DescribeAsync("submitted", task))["lastStatus"]!);
    }

    public static TheoryData<string, object, string> Refusals => new()
    {
        { "unknown status", new { cluster = "refused", task = "TASK", status = "DANCING" }, "InvalidParameterException" },
        { "unknown task", new { cluster = "refused", task = "0123456789abcdef0123456789abcdef" }, "InvalidParameterException" },
        { "unknown cluster", new { cluster = "nowhere", task = "TASK" }, "ClusterNotFoundException" },
        { "unknown container", new { cluster = "refused", task = "TASK", containers = new[] { new { containerName = "db", status = "RUNNING" } } }, "InvalidParameterException" },
        { "foreign attachment", new { cluster = "refused", task = "TASK", attachments = new[] { new { attachmentArn = "arn:aws:ecs:us-east-1:000000000000:attachment/x", status = "ATTACHED" } } }, "InvalidParameterException" },
        { "managed agent", new { cluster = "refused", task = "TASK", managedAgents = new[] { new { containerName = "web", managedAgentName = "ExecuteCommandAgent", status = "RUNNING" } } }, "InvalidParameterException" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_submission_berth_cannot_apply_is_refused_and_changes_nothing(string what, object request, string type)
    {
        var (_, task) = await RunAsync("refused");
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(request))!;
        if ((string?)body["task"] == "TASK")
        {
            body["task"] = task;
        }

        var (errorType, _) = await _ecs.ErrorAsync("SubmitTaskStateChange", body);

        Assert.True(errorType == type, $"{what}: {errorType}");
        Assert.Equal("PENDING", (string)(await DescribeAsync("refused", task))["lastStatus"]!);
    }

    [Fact]
    public async Task Attachment_state_changes_name_attachments_berth_instances_do_not_have()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "attached" });

        Assert.Equal("InvalidParameterException", (await _ecs.ErrorAsync("SubmitAttachmentStateChanges", new
        {
            cluster = "attached",
            attachments = new[] { new { attachmentArn = "arn:aws:ecs:us-east-1:000000000000:attachment/x", status = "ATTACHED" } },
        })).Type);
        Assert.Equal("ClusterNotFoundException", (await _ecs.ErrorAsync("SubmitAttachmentStateChanges", new
        {
            cluster = "nowhere",
            attachments = new[] { new { attachmentArn = "x", status = "ATTACHED" } },
        })).Type);
    }

    [Fact]
    public async Task An_agent_cannot_be_updated_from_the_control_plane()
    {
        var (instance, _) = await RunAsync("updated");

        var (type, message) = await _ecs.ErrorAsync("UpdateContainerAgent", new { cluster = "updated", containerInstance = instance });

        Assert.Equal("NoUpdateAvailableException", type);
        Assert.Contains("Berth cannot replace an agent remotely", message, StringComparison.Ordinal);
        Assert.Equal("InvalidParameterException", (await _ecs.ErrorAsync("UpdateContainerAgent", new { cluster = "updated", containerInstance = "nope" })).Type);
    }

    [Fact]
    public async Task A_namespace_is_known_only_as_a_clusters_service_connect_default_and_holds_no_service()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "connected", serviceConnectDefaults = new { @namespace = "internal" } });

        JsonAssert.Equal("""{ "serviceArns": [] }""", await _ecs.OkAsync("ListServicesByNamespace", new { @namespace = "internal" }));
        Assert.Equal(
            ("NamespaceNotFoundException", "The specified namespace wasn't found."),
            await _ecs.ErrorAsync("ListServicesByNamespace", new { @namespace = "elsewhere" }));
        Assert.Equal("InvalidParameterException", (await _ecs.ErrorAsync("ListServicesByNamespace", new { @namespace = "internal", maxResults = 101 })).Type);
    }
}
