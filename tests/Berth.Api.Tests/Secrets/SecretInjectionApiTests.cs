using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Berth.Api.Tests.Ecs;
using Berth.Core.Agent;
using Berth.Core.State;

namespace Berth.Api.Tests.Secrets;

/// <summary>
/// A container's <c>secrets</c> reach its agent in the task's assignment, resolved, and nowhere else: DescribeTasks
/// and DescribeTaskDefinition show the valueFrom only; a valueFrom that cannot be read stops the task as ECS does.
/// </summary>
public class SecretInjectionApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private const string ExecutionRole = "arn:aws:iam::000000000000:role/ecsTaskExecutionRole";

    private readonly EcsClient _ecs = server.NewClient();

    /// <summary>Parameters and secrets in the task's own region, where a valueFrom given by name is looked up.</summary>
    private EcsClient Ssm => new(server.Http, _ecs.Region, "AmazonSSM");

    private EcsClient SecretsManager => new(server.Http, _ecs.Region, "secretsmanager");

    [Fact]
    public async Task The_assignment_carries_the_values_and_the_ECS_API_only_the_valueFrom()
    {
        var instance = await ClusterAsync("inject");
        await Ssm.OkAsync("PutParameter", new { Name = "/inject/db", Value = "param-value-7f3a", Type = "SecureString" });
        var secretArn = (string)(await SecretsManager.OkAsync("CreateSecret", new { Name = "inject/api", SecretString = """{"key":"json-value-91bc"}""" }))["ARN"]!;
        await RegisterAsync("inject", [new { name = "DB", valueFrom = "/inject/db" }, new { name = "KEY", valueFrom = $"{secretArn}:key::" }]);

        var taskArn = await RunAsync("inject");
        var assignment = (await PollAsync(instance)).Single(a => a.Task.TaskArn == taskArn);

        Assert.Equal(new Dictionary<string, string> { ["DB"] = "param-value-7f3a", ["KEY"] = "json-value-91bc" }, assignment.Secrets!["app"].Environment);
        Assert.DoesNotContain("value-", assignment.ToString(), StringComparison.Ordinal);
        var described = (await _ecs.OkAsync("DescribeTasks", new { cluster = "inject", tasks = new[] { taskArn } })).ToJsonString();
        var definition = (await _ecs.OkAsync("DescribeTaskDefinition", new { taskDefinition = "inject" })).ToJsonString();
        Assert.DoesNotContain("value-", described, StringComparison.Ordinal);
        Assert.DoesNotContain("value-", definition, StringComparison.Ordinal);
        Assert.Contains("/inject/db", definition, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_valueFrom_that_cannot_be_read_stops_the_task_with_ECS_reason_before_the_agent_sees_it()
    {
        var instance = await ClusterAsync("badsecret");
        await RegisterAsync("badsecret", [new { name = "DB", valueFrom = "/inject/missing" }]);

        var taskArn = await RunAsync("badsecret");

        Assert.DoesNotContain(await PollAsync(instance), a => a.Task.TaskArn == taskArn);
        var task = (await _ecs.OkAsync("DescribeTasks", new { cluster = "badsecret", tasks = new[] { taskArn } }))["tasks"]![0]!;
        Assert.Equal(
            ("STOPPED", "TaskFailedToStart",
                "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: "
                + "service call has been retried 1 time(s): invalid parameters: /inject/missing"),
            ((string)task["lastStatus"]!, (string)task["stopCode"]!, (string)task["stoppedReason"]!));
        var remaining = (await _ecs.OkAsync("DescribeContainerInstances", new { cluster = "badsecret", containerInstances = new[] { instance } }))["containerInstances"]![0]!;
        Assert.Equal(2048, ClusterCapacity.Resource(remaining, "remainingResources", "CPU"));
    }

    [Fact]
    public async Task Secrets_without_an_execution_role_are_refused_at_registration_as_ECS_does()
    {
        Assert.Equal(("ClientException", "When you are specifying container secrets, you must also specify a value for 'executionRoleArn'."),
            await _ecs.ErrorAsync("RegisterTaskDefinition", new
            {
                family = "noexec",
                containerDefinitions = new[] { new { name = "app", image = "busybox", memory = 64, secrets = new[] { new { name = "A", valueFrom = "/p" } } } },
            }));
    }

    private async Task<string> ClusterAsync(string cluster)
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = cluster });
        return await ClusterCapacity.RegisterInstanceAsync(_ecs, cluster, $"i-{cluster}");
    }

    private Task<JsonNode> RegisterAsync(string family, object[] secrets) =>
        _ecs.OkAsync("RegisterTaskDefinition", new
        {
            family,
            executionRoleArn = ExecutionRole,
            containerDefinitions = new[] { new { name = "app", image = "busybox", memory = 64, secrets } },
        });

    private async Task<string> RunAsync(string family) =>
        (string)(await _ecs.OkAsync("RunTask", new { cluster = family, taskDefinition = family }))["tasks"]![0]!["taskArn"]!;

    /// <summary>One poll as the instance's agent makes it; an assignments version of 0 is answered at once.</summary>
    private async Task<IReadOnlyList<TaskAssignment>> PollAsync(string instanceArn)
    {
        var request = new AgentPollRequest { ContainerInstanceArn = instanceArn, AssignmentsVersion = 0, WaitSeconds = 0 };
        using var response = await server.Http.PostAsJsonAsync("/_berth/agent/v1/poll", request, StateJsonContext.Default.AgentPollRequest);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync(StateJsonContext.Default.AgentPollResponse))!.Tasks;
    }
}
