using System.Text.Json.Nodes;

namespace Berth.Api.Tests.Ecs;

/// <summary>
/// CreateTaskSet, UpdateTaskSet, UpdateServicePrimaryTaskSet, DeleteTaskSet and DescribeTaskSets over HTTP, with the
/// scheduler launching each task set's tasks on a container instance registered through the API (no agent: the tasks
/// stay PENDING, which is enough to see what it decided).
/// </summary>
public class TaskSetApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private readonly EcsClient _ecs = server.NewClient();

    private async Task ExternalServiceAsync(string cluster, int desiredCount = 4)
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = cluster });
        await ClusterCapacity.RegisterInstanceAsync(_ecs, cluster, $"i-{cluster}", cpu: 8192, memory: 16384);
        await ClusterCapacity.RegisterWebAsync(_ecs, "web", cpu: 256, memory: 256);
        await _ecs.OkAsync("CreateService", new { cluster, serviceName = "web", desiredCount, deploymentController = new { type = "EXTERNAL" } });
    }

    private async Task<JsonNode> CreateAsync(string cluster, double scale, string? clientToken = null) =>
        (await _ecs.OkAsync("CreateTaskSet", new { cluster, service = "web", taskDefinition = "web", scale = new { value = scale, unit = "PERCENT" }, clientToken }))["taskSet"]!;

    private async Task<JsonNode> DescribeAsync(string cluster, string taskSet) =>
        (await _ecs.OkAsync("DescribeTaskSets", new { cluster, service = "web", taskSets = new[] { taskSet } }))["taskSets"]![0]!;

    private async Task<JsonArray> TasksOfAsync(string cluster)
    {
        var arns = (await _ecs.OkAsync("ListTasks", new { cluster, serviceName = "web" }))["taskArns"]!.AsArray();
        return arns.Count == 0 ? [] : (await _ecs.OkAsync("DescribeTasks", new { cluster, tasks = arns.Select(a => (string)a!).ToArray() }))["tasks"]!.AsArray();
    }

    [Fact]
    public async Task An_external_service_has_no_task_definition_and_no_deployment()
    {
        await ExternalServiceAsync("ext");

        var service = (await _ecs.OkAsync("DescribeServices", new { cluster = "ext", services = new[] { "web" } }))["services"]![0]!;

        Assert.Equal("EXTERNAL", (string)service["deploymentController"]!["type"]!);
        Assert.Null(service["taskDefinition"]);
        Assert.Empty(service["deployments"]!.AsArray());
        Assert.Empty(service["taskSets"]!.AsArray());
    }

    [Fact]
    public async Task CreateTaskSet_answers_the_task_set_and_the_scheduler_starts_its_share_of_tasks()
    {
        await ExternalServiceAsync("ts-create");

        var taskSet = await CreateAsync("ts-create", 50);

        Assert.Matches($"^{_ecs.ArnPrefix}:task-set/ts-create/web/ecs-svc/[0-9]{{19}}$", (string)taskSet["taskSetArn"]!);
        Assert.Equal("ACTIVE", (string)taskSet["status"]!);
        Assert.Equal(2, (int)taskSet["computedDesiredCount"]!);
        Assert.Equal(_ecs.TaskDefinitionArn("web", 1), (string)taskSet["taskDefinition"]!);
        Assert.Equal("EC2", (string)taskSet["launchType"]!);
        var tasks = await Eventually.ReadAsync(() => TasksOfAsync("ts-create"), t => t.Count == 2);
        Assert.All(tasks, t => Assert.Equal(((string)taskSet["id"]!, "service:web"), ((string)t!["startedBy"]!, (string)t["group"]!)));
        var described = await Eventually.ReadAsync(() => DescribeAsync("ts-create", (string)taskSet["id"]!), s => (int)s["pendingCount"]! == 2);
        Assert.Equal("STABILIZING", (string)described["stabilityStatus"]!);
    }

    [Fact]
    public async Task A_client_token_makes_CreateTaskSet_idempotent()
    {
        await ExternalServiceAsync("ts-token");

        var first = await CreateAsync("ts-token", 0, "token-1");
        var again = await CreateAsync("ts-token", 0, "token-1");

        Assert.Equal((string)first["id"]!, (string)again["id"]!);
        Assert.Single((await _ecs.OkAsync("DescribeTaskSets", new { cluster = "ts-token", service = "web" }))["taskSets"]!.AsArray());
    }

    [Fact]
    public async Task UpdateTaskSet_rescales_and_UpdateServicePrimaryTaskSet_moves_the_primary()
    {
        await ExternalServiceAsync("ts-update");
        var blue = (string)(await CreateAsync("ts-update", 100))["id"]!;
        var green = (string)(await CreateAsync("ts-update", 0))["taskSetArn"]!;

        var scaled = (await _ecs.OkAsync("UpdateTaskSet", new { cluster = "ts-update", service = "web", taskSet = green, scale = new { value = 25, unit = "PERCENT" } }))["taskSet"]!;
        await _ecs.OkAsync("UpdateServicePrimaryTaskSet", new { cluster = "ts-update", service = "web", primaryTaskSet = blue });
        var primary = (await _ecs.OkAsync("UpdateServicePrimaryTaskSet", new { cluster = "ts-update", service = "web", primaryTaskSet = green }))["taskSet"]!;

        Assert.Equal(1, (int)scaled["computedDesiredCount"]!);
        Assert.Equal("PRIMARY", (string)primary["status"]!);
        Assert.Equal("ACTIVE", (string)(await DescribeAsync("ts-update", blue))["status"]!);
        await Eventually.ReadAsync(() => TasksOfAsync("ts-update"), t => t.Count == 5);
    }

    [Fact]
    public async Task UpdateService_desired_count_rescales_every_task_set()
    {
        await ExternalServiceAsync("ts-desired", desiredCount: 2);
        var id = (string)(await CreateAsync("ts-desired", 50))["id"]!;

        var updated = (await _ecs.OkAsync("UpdateService", new { cluster = "ts-desired", service = "web", desiredCount = 6 }))["service"]!;

        Assert.Equal(3, (int)updated["taskSets"]![0]!["computedDesiredCount"]!);
        await Eventually.ReadAsync(() => TasksOfAsync("ts-desired"), t => t.Count == 3);
        Assert.Equal(3, (int)(await DescribeAsync("ts-desired", id))["computedDesiredCount"]!);
    }

    [Fact]
    public async Task DeleteTaskSet_drains_it_and_DescribeTaskSets_then_reports_it_missing()
    {
        await ExternalServiceAsync("ts-delete");
        var id = (string)(await CreateAsync("ts-delete", 50))["id"]!;
        await Eventually.ReadAsync(() => TasksOfAsync("ts-delete"), t => t.Count == 2);

        var refused = await _ecs.ErrorAsync("DeleteTaskSet", new { cluster = "ts-delete", service = "web", taskSet = id });
        var deleted = (await _ecs.OkAsync("DeleteTaskSet", new { cluster = "ts-delete", service = "web", taskSet = id, force = true }))["taskSet"]!;

        Assert.Equal("InvalidParameterException", refused.Type);
        Assert.Equal("DRAINING", (string)deleted["status"]!);
        await Eventually.ReadAsync(() => TasksOfAsync("ts-delete"), t => t.All(task => (string)task!["desiredStatus"]! == "STOPPED"));
    }

    [Fact]
    public async Task DescribeTaskSets_reports_missing_ones_and_shows_tags_only_when_asked()
    {
        await ExternalServiceAsync("ts-describe");
        var created = (await _ecs.OkAsync("CreateTaskSet", new
        {
            cluster = "ts-describe",
            service = "web",
            taskDefinition = "web",
            scale = new { value = 0, unit = "PERCENT" },
            tags = new[] { new { key = "colour", value = "blue" } },
        }))["taskSet"]!;

        var plain = await _ecs.OkAsync("DescribeTaskSets", new { cluster = "ts-describe", service = "web", taskSets = new[] { (string)created["id"]!, "ecs-svc/1234567890123456789" } });
        var tagged = await _ecs.OkAsync("DescribeTaskSets", new { cluster = "ts-describe", service = "web", include = new[] { "TAGS" } });

        Assert.Null(plain["taskSets"]![0]!["tags"]);
        Assert.Equal("ecs-svc/1234567890123456789", (string)plain["failures"]![0]!["arn"]!);
        Assert.Equal("MISSING", (string)plain["failures"]![0]!["reason"]!);
        Assert.Equal("colour", (string)tagged["taskSets"]![0]!["tags"]![0]!["key"]!);
    }

    [Fact]
    public async Task TagResource_UntagResource_and_ListTagsForResource_work_on_a_task_set_arn()
    {
        await ExternalServiceAsync("ts-tags");
        var arn = (string)(await CreateAsync("ts-tags", 0))["taskSetArn"]!;
        var missing = arn[..arn.LastIndexOf('/')] + "/1234567890123456789";

        await _ecs.OkAsync("TagResource", new { resourceArn = arn, tags = new[] { new { key = "colour", value = "green" }, new { key = "team", value = "web" } } });
        await _ecs.OkAsync("UntagResource", new { resourceArn = arn, tagKeys = new[] { "team" } });
        var listed = await _ecs.OkAsync("ListTagsForResource", new { resourceArn = arn });
        var described = await _ecs.OkAsync("DescribeTaskSets", new { cluster = "ts-tags", service = "web", include = new[] { "TAGS" } });

        JsonAssert.Equal("""{"tags":[{"key":"colour","value":"green"}]}""", listed);
        Assert.Equal("green", (string)described["taskSets"]![0]!["tags"]![0]!["value"]!);
        Assert.Equal("ResourceNotFoundException", (await _ecs.ErrorAsync("TagResource", new { resourceArn = missing, tags = new[] { new { key = "a", value = "b" } } })).Type);
        Assert.Equal("ResourceNotFoundException", (await _ecs.ErrorAsync("UntagResource", new { resourceArn = missing, tagKeys = new[] { "a" } })).Type);
        Assert.Equal("InvalidParameterException", (await _ecs.ErrorAsync("ListTagsForResource", new { resourceArn = missing })).Type);
    }

    [Fact]
    public async Task Task_set_operations_answer_ECS_errors()
    {
        await ExternalServiceAsync("ts-errors");
        await _ecs.OkAsync("CreateService", new { cluster = "ts-errors", serviceName = "rolling", taskDefinition = "web", desiredCount = 0 });

        var notExternal = await _ecs.ErrorAsync("CreateTaskSet", new { cluster = "ts-errors", service = "rolling", taskDefinition = "web" });
        var describeNotExternal = await _ecs.ErrorAsync("DescribeTaskSets", new { cluster = "ts-errors", service = "rolling" });
        var noService = await _ecs.ErrorAsync("CreateTaskSet", new { cluster = "ts-errors", service = "none", taskDefinition = "web" });
        var noTaskSet = await _ecs.ErrorAsync("UpdateTaskSet", new { cluster = "ts-errors", service = "web", taskSet = "ecs-svc/1234567890123456789", scale = new { value = 1, unit = "PERCENT" } });
        var badScale = await _ecs.ErrorAsync("CreateTaskSet", new { cluster = "ts-errors", service = "web", taskDefinition = "web", scale = new { value = 150, unit = "PERCENT" } });
        var registries = await _ecs.ErrorAsync("CreateTaskSet", new
        {
            cluster = "ts-errors",
            service = "web",
            taskDefinition = "web",
            serviceRegistries = new[] { new { registryArn = "arn:aws:servicediscovery:us-east-1:123456789012:service/srv-1" } },
        });
        var updateDefinition = await _ecs.ErrorAsync("UpdateService", new { cluster = "ts-errors", service = "web", taskDefinition = "web" });
        var externalWithDefinition = await _ecs.ErrorAsync("CreateService", new
        {
            cluster = "ts-errors",
            serviceName = "other",
            taskDefinition = "web",
            deploymentController = new { type = "EXTERNAL" },
        });

        Assert.Equal(("InvalidParameterException", "Amazon ECS only supports task set management on services configured to use external deployment controllers."), notExternal);
        Assert.Equal(notExternal, describeNotExternal);
        Assert.Equal("ServiceNotFoundException", noService.Type);
        Assert.Equal("TaskSetNotFoundException", noTaskSet.Type);
        Assert.Equal("InvalidParameterException", badScale.Type);
        Assert.Equal("UnsupportedFeatureException", registries.Type);
        Assert.Equal("InvalidParameterException", updateDefinition.Type);
        Assert.Equal("InvalidParameterException", externalWithDefinition.Type);
    }

    [Fact]
    public async Task Deleting_an_external_service_stops_the_tasks_of_its_task_sets()
    {
        await ExternalServiceAsync("ts-service-delete", desiredCount: 2);
        await CreateAsync("ts-service-delete", 100);
        await Eventually.ReadAsync(() => TasksOfAsync("ts-service-delete"), t => t.Count == 2);

        var refused = await _ecs.ErrorAsync("DeleteService", new { cluster = "ts-service-delete", service = "web" });
        await _ecs.OkAsync("DeleteService", new { cluster = "ts-service-delete", service = "web", force = true });

        Assert.Equal("InvalidParameterException", refused.Type);
        await Eventually.ReadAsync(() => TasksOfAsync("ts-service-delete"), t => t.All(task => (string)task!["desiredStatus"]! == "STOPPED"));
    }
}
