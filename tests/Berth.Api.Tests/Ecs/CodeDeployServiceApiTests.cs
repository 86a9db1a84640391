using System.Text.Json.Nodes;

namespace Berth.Api.Tests.Ecs;

/// <summary>
/// Services with the CODE_DEPLOY deployment controller over HTTP: CreateService runs the service as its first, PRIMARY
/// task set; UpdateService changes only what ECS lets it change without a CodeDeploy deployment.
/// </summary>
public class CodeDeployServiceApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private const string UseCodeDeploy = "on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.";
    private readonly EcsClient _ecs = server.NewClient();

    private async Task<JsonNode> CodeDeployServiceAsync(string cluster, int desiredCount = 2)
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = cluster });
        await ClusterCapacity.RegisterInstanceAsync(_ecs, cluster, $"i-{cluster}", cpu: 8192, memory: 16384);
        await ClusterCapacity.RegisterWebAsync(_ecs, "web", cpu: 256, memory: 256);
        return (await _ecs.OkAsync("CreateService", new
        {
            cluster,
            serviceName = "web",
            taskDefinition = "web",
            desiredCount,
            deploymentController = new { type = "CODE_DEPLOY" },
        }))["service"]!;
    }

    private async Task<JsonNode> DescribeAsync(string cluster) =>
        (await _ecs.OkAsync("DescribeServices", new { cluster, services = new[] { "web" } }))["services"]![0]!;

    private async Task<JsonArray> TasksOfAsync(string cluster)
    {
        var arns = (await _ecs.OkAsync("ListTasks", new { cluster, serviceName = "web" }))["taskArns"]!.AsArray();
        return arns.Count == 0 ? [] : (await _ecs.OkAsync("DescribeTasks", new { cluster, tasks = arns.Select(a => (string)a!).ToArray() }))["tasks"]!.AsArray();
    }

    [Fact]
    public async Task CreateService_runs_the_service_as_a_primary_task_set()
    {
        var created = await CodeDeployServiceAsync("cd-create");

        var taskSet = created["taskSets"]!.AsArray().Single()!;
        Assert.Empty(created["deployments"]!.AsArray());
        Assert.Equal(("CODE_DEPLOY", _ecs.TaskDefinitionArn("web", 1)), ((string)created["deploymentController"]!["type"]!, (string)created["taskDefinition"]!));
        Assert.Matches($"^{_ecs.ArnPrefix}:task-set/cd-create/web/ecs-svc/[0-9]{{19}}$", (string)taskSet["taskSetArn"]!);
        Assert.Equal(("PRIMARY", 2, _ecs.TaskDefinitionArn("web", 1)), ((string)taskSet["status"]!, (int)taskSet["computedDesiredCount"]!, (string)taskSet["taskDefinition"]!));
        Assert.Equal((100.0, "PERCENT"), ((double)taskSet["scale"]!["value"]!, (string)taskSet["scale"]!["unit"]!));
        Assert.Null(taskSet["startedBy"]);
        var tasks = await Eventually.ReadAsync(() => TasksOfAsync("cd-create"), t => t.Count == 2);
        Assert.All(tasks, t => Assert.Equal(((string)taskSet["id"]!, "service:web"), ((string)t!["startedBy"]!, (string)t["group"]!)));
        var described = await Eventually.ReadAsync(() => DescribeAsync("cd-create"), s => (int)s["pendingCount"]! == 2);
        Assert.Equal(2, (int)described["taskSets"]![0]!["pendingCount"]!);
    }

    [Fact]
    public async Task UpdateService_scales_the_primary_task_set_and_refuses_a_new_revision_with_ECSs_words()
    {
        await CodeDeployServiceAsync("cd-update");

        var scaled = (await _ecs.OkAsync("UpdateService", new { cluster = "cd-update", service = "web", desiredCount = 3, healthCheckGracePeriodSeconds = 20 }))["service"]!;
        var definition = await _ecs.ErrorAsync("UpdateService", new { cluster = "cd-update", service = "web", taskDefinition = "web" });
        var force = await _ecs.ErrorAsync("UpdateService", new { cluster = "cd-update", service = "web", forceNewDeployment = true });

        Assert.Equal((3, 20), ((int)scaled["taskSets"]![0]!["computedDesiredCount"]!, (int)scaled["healthCheckGracePeriodSeconds"]!));
        Assert.Equal(("InvalidParameterException", $"Unable to update task definition {UseCodeDeploy}"), definition);
        Assert.Equal(("InvalidParameterException", $"Cannot force a new deployment {UseCodeDeploy}"), force);
        await Eventually.ReadAsync(() => TasksOfAsync("cd-update"), t => t.Count == 3);
    }

    [Fact]
    public async Task Its_task_sets_are_described_but_managed_only_by_CodeDeploy()
    {
        var created = await CodeDeployServiceAsync("cd-sets");
        var id = (string)created["taskSets"]![0]!["id"]!;

        var described = (await _ecs.OkAsync("DescribeTaskSets", new { cluster = "cd-sets", service = "web", taskSets = new[] { id } }))["taskSets"]!.AsArray();
        var create = await _ecs.ErrorAsync("CreateTaskSet", new { cluster = "cd-sets", service = "web", taskDefinition = "web" });
        var update = await _ecs.ErrorAsync("UpdateTaskSet", new { cluster = "cd-sets", service = "web", taskSet = id, scale = new { value = 0, unit = "PERCENT" } });

        Assert.Equal(("PRIMARY", id), ((string)described.Single()!["status"]!, (string)described.Single()!["id"]!));
        Assert.Equal(("InvalidParameterException", "Amazon ECS only supports task set management on services configured to use external deployment controllers."), create);
        Assert.Equal(create, update);
    }

    [Fact]
    public async Task Deleting_the_service_stops_its_task_sets_tasks()
    {
        await CodeDeployServiceAsync("cd-delete");
        await Eventually.ReadAsync(() => TasksOfAsync("cd-delete"), t => t.Count == 2);

        await _ecs.OkAsync("DeleteService", new { cluster = "cd-delete", service = "web", force = true });

        await Eventually.ReadAsync(() => TasksOfAsync("cd-delete"), t => t.All(task => (string)task!["desiredStatus"]! == "STOPPED"));
    }
}
