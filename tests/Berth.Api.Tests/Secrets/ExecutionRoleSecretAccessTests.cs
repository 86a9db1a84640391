using System.Net.Http.Json;
using Berth.Api.Tests.Ecs;
using Berth.Api.Tests.Identity;
using Berth.Control.Identity;
using Berth.Core.Agent;
using Berth.Core.State;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Api.Tests.Secrets;

/// <summary>
/// On a sigv4 server a task's secrets are read as its execution role's session: the role must be allowed
/// ssm:GetParameters and secretsmanager:GetSecretValue on each, or the task stops with ECS's AccessDeniedException reason.
/// </summary>
public sealed class ExecutionRoleSecretAccessTests : SigV4ServerTest
{
    private const string Region = "us-east-1";
    private const string TrustEcsTasks = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";
    private const string ParameterArn = $"arn:aws:ssm:{Region}:{Account}:parameter/exec/db";

    private EcsClient Ecs => new(AsRoot("ecs"), Region);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Ecs.OkAsync("CreateCluster", new { clusterName = "exec" });
    }

    [Fact]
    public async Task An_execution_role_allowed_to_read_both_gets_the_values()
    {
        var secretArn = await PutSecretsAsync();
        await RoleAsync("reader", $$"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"ssm:GetParameters","Resource":"{{ParameterArn}}"},
              {"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:{{Region}}:{{Account}}:secret:exec/api-*"}]}
            """);
        var instance = await ClusterCapacity.RegisterInstanceAsync(Ecs, "exec", "i-reader");
        var taskArn = await RunAsync("reader", secretArn);

        var assignment = (await PollAsync(instance)).Single(a => a.Task.TaskArn == taskArn);

        Assert.Equal(new Dictionary<string, string> { ["DB"] = "db-value", ["API"] = "api-value" }, assignment.Secrets!["app"].Environment);
    }

    [Fact]
    public async Task A_role_not_allowed_a_parameter_or_a_secret_stops_the_task_with_ECS_reason()
    {
        var secretArn = await PutSecretsAsync();
        await RoleAsync("ssm-only", $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ssm:GetParameters","Resource":"{{ParameterArn}}"}]}""");
        await RoleAsync("nothing", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:ListClusters","Resource":"*"}]}""");
        var instance = await ClusterCapacity.RegisterInstanceAsync(Ecs, "exec", "i-denied");
        var noSecret = await RunAsync("ssm-only", secretArn);
        var noParameter = await RunAsync("nothing", secretArn);

        Assert.DoesNotContain(await PollAsync(instance), a => a.Task.TaskArn == noSecret || a.Task.TaskArn == noParameter);

        const string prefix = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ";
        Assert.Equal(("STOPPED", "TaskFailedToStart",
            $"{prefix}unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret {secretArn} from secrets manager: " +
            $"AccessDeniedException: User: {Session("ssm-only", noSecret)} is not authorized to perform: secretsmanager:GetSecretValue on resource: {secretArn} " +
            "because no identity-based policy allows the secretsmanager:GetSecretValue action"), await StoppedAsync(noSecret));
        Assert.Equal(("STOPPED", "TaskFailedToStart",
            $"{prefix}unable to retrieve secrets from ssm: service call has been retried 1 time(s): " +
            $"AccessDeniedException: User: {Session("nothing", noParameter)} is not authorized to perform: ssm:GetParameters on resource: {ParameterArn} " +
            "because no identity-based policy allows the ssm:GetParameters action"), await StoppedAsync(noParameter));
    }

    private static string Session(string role, string taskArn) => $"arn:aws:sts::{Account}:assumed-role/{role}/{taskArn[(taskArn.LastIndexOf('/') + 1)..]}";

    /// <summary>The SecureString parameter and the secret every task here reads; the secret's ARN.</summary>
    private async Task<string> PutSecretsAsync()
    {
        await new EcsClient(AsRoot("ssm"), region: null, "AmazonSSM").OkAsync("PutParameter", new { Name = "/exec/db", Value = "db-value", Type = "SecureString" });
        return (string)(await new EcsClient(AsRoot("secretsmanager"), region: null, "secretsmanager").OkAsync("CreateSecret", new { Name = "exec/api", SecretString = "api-value" }))["ARN"]!;
    }

    private async Task RoleAsync(string name, string policy)
    {
        var roles = Server.Services.GetRequiredService<IamRoles>();
        await roles.CreateAsync(Account, name, null, TrustEcsTasks, null, null, new Dictionary<string, string>(), CancellationToken.None);
        await roles.PutPolicyAsync(Account, name, "secrets", policy, CancellationToken.None);
    }

    /// <summary>Registers a definition of the family <paramref name="role"/> whose execution role is that role, and runs it.</summary>
    private async Task<string> RunAsync(string role, string secretArn)
    {
        await Ecs.OkAsync("RegisterTaskDefinition", new
        {
            family = role,
            executionRoleArn = $"arn:aws:iam::{Account}:role/{role}",
            containerDefinitions = new[]
            {
                new
                {
                    name = "app", image = "busybox", memory = 64,
                    secrets = new[] { new { name = "DB", valueFrom = "/exec/db" }, new { name = "API", valueFrom = secretArn } },
                },
            },
        });
        return (string)(await Ecs.OkAsync("RunTask", new { cluster = "exec", taskDefinition = role }))["tasks"]![0]!["taskArn"]!;
    }

    private async Task<(string, string, string)> StoppedAsync(string taskArn)
    {
        var task = (await Ecs.OkAsync("DescribeTasks", new { cluster = "exec", tasks = new[] { taskArn } }))["tasks"]![0]!;
        return ((string)task["lastStatus"]!, (string)task["stopCode"]!, (string)task["stoppedReason"]!);
    }

    /// <summary>One poll as the root user may make it for any agent; an assignments version of 0 is answered at once.</summary>
    private async Task<IReadOnlyList<TaskAssignment>> PollAsync(string instanceArn)
    {
        var request = new AgentPollRequest { ContainerInstanceArn = instanceArn, AssignmentsVersion = 0, WaitSeconds = 0 };
        using var response = await AsRoot("ecs").PostAsJsonAsync("/_berth/agent/v1/poll", request, StateJsonContext.Default.AgentPollRequest);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync(StateJsonContext.Default.AgentPollResponse))!.Tasks;
    }
}
