using System.Net;
using System.Text;
using System.Text.Json;
using Berth.Api.Protocol;
using Berth.Api.Tests.Ecs;
using Berth.Control.Identity;
using Berth.Core.Agent;
using Berth.Core.Identity.Signing;
using Berth.Core.State;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Api.Tests.Identity;

/// <summary>
/// Task roles on a sigv4 server: iam:PassRole when a request hands a role to tasks, and the task role credentials an
/// agent's poll carries, which then act as the role and nothing more.
/// </summary>
public sealed class TaskRoleApiTests : IAsyncLifetime
{
    private const string Account = "000000000000";
    private const string TrustEcsTasks = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";
    private const string TrustEcs = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";
    private const string TrustEc2 = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";
    private const string AppRole = $"arn:aws:iam::{Account}:role/app";

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"berth-task-roles-{Guid.NewGuid():N}");
    private RunningServer? _server;
    private EcsClient? _root;
    private SigningHandler? _rootSigner;

    private RunningServer Server => _server!;

    private EcsClient Root => _root!;

    public async Task InitializeAsync()
    {
        _server = await RunningServer.StartAsync(_dataDirectory, new ApiOptions { Auth = AuthMode.SigV4 });
        var root = (await Server.RootKeyAsync())!;
        _rootSigner = new SigningHandler(root.AccessKeyId, new SigningCredential(root.NewSecretAccessKey!));
        _root = new EcsClient(Server.NewHttp(_rootSigner), "us-east-1");
        var roles = Server.Services.GetRequiredService<IamRoles>();
        var none = new Dictionary<string, string>();
        await roles.CreateAsync(Account, "app", null, TrustEcsTasks, null, null, none, CancellationToken.None);
        await roles.PutPolicyAsync(Account, "app", "list", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:ListClusters","Resource":"*"}]}""",
            CancellationToken.None);
        await roles.CreateAsync(Account, "other", null, TrustEcsTasks, null, null, none, CancellationToken.None);
        await roles.CreateAsync(Account, "ec2-only", null, TrustEc2, null, null, none, CancellationToken.None);
        await roles.CreateAsync(Account, "lb", "/service/", TrustEcs, null, null, none, CancellationToken.None);
        await Root.OkAsync("CreateCluster", new { clusterName = "web" });
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        Directory.Delete(_dataDirectory, recursive: true);
    }

    /// <summary>An IAM user with one inline policy, as an ECS client.</summary>
    private async Task<EcsClient> UserAsync(string name, string policy)
    {
        var users = Server.Services.GetRequiredService<IamUsers>();
        await users.CreateAsync(Account, name, null, new Dictionary<string, string>(), CancellationToken.None);
        await users.PutPolicyAsync(Account, name, "policy", policy, CancellationToken.None);
        var key = await users.CreateAccessKeyAsync(Account, name, "unused", CancellationToken.None);
        return new EcsClient(Server.NewHttp(new SigningHandler(key.AccessKeyId, new SigningCredential(key.SecretAccessKey))), "us-east-1");
    }

    private static object Definition(string family, string? taskRoleArn = null, string? executionRoleArn = null) => new
    {
        family,
        taskRoleArn,
        executionRoleArn,
        containerDefinitions = new[] { new { name = "app", image = "berth/sample-tools", memory = 32 } },
    };

    private static void AssertPassRoleRefused(string user, string roleArn, EcsResponse refused)
    {
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDeniedException"), (refused.Status, refused.Error.Type));
        Assert.Equal($"User: arn:aws:iam::{Account}:user/{user} is not authorized to perform: iam:PassRole on resource: {roleArn} " +
            "because no identity-based policy allows the iam:PassRole action", refused.Error.Message);
    }

    [Fact]
    public async Task Passing_a_role_needs_iam_PassRole_on_it_in_every_operation_that_hands_roles_to_tasks()
    {
        var user = await UserAsync("deployer", $$"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"ecs:*","Resource":"*"},
              {"Effect":"Allow","Action":"iam:PassRole","Resource":"{{AppRole}}","Condition":{"StringEquals":{"iam:PassedToService":"ecs-tasks.amazonaws.com"} } }]}
            """);
        await ClusterCapacity.RegisterInstanceAsync(Root, "web", "i-passrole");

        await user.OkAsync("RegisterTaskDefinition", Definition("plain"));
        await user.OkAsync("RegisterTaskDefinition", Definition("app", taskRoleArn: AppRole, executionRoleArn: AppRole));
        AssertPassRoleRefused("deployer", $"arn:aws:iam::{Account}:role/other",
            await user.SendAsync("RegisterTaskDefinition", Definition("other", executionRoleArn: $"arn:aws:iam::{Account}:role/other")));
        Assert.Equal(HttpStatusCode.BadRequest, (await user.SendAsync("DescribeTaskDefinition", new { taskDefinition = "other" })).Status);

        await user.OkAsync("RunTask", new { cluster = "web", taskDefinition = "plain", overrides = new { taskRoleArn = AppRole } });
        AssertPassRoleRefused("deployer", $"arn:aws:iam::{Account}:role/other",
            await user.SendAsync("RunTask", new { cluster = "web", taskDefinition = "plain", overrides = new { taskRoleArn = $"arn:aws:iam::{Account}:role/other" } }));

        // A definition the root user registered with a role the user may not pass: no service of it in the user's name.
        await Root.OkAsync("RegisterTaskDefinition", Definition("others", taskRoleArn: $"arn:aws:iam::{Account}:role/other"));
        AssertPassRoleRefused("deployer", $"arn:aws:iam::{Account}:role/other",
            await user.SendAsync("CreateService", new { cluster = "web", serviceName = "others", taskDefinition = "others", desiredCount = 0 }));
        await user.OkAsync("CreateService", new { cluster = "web", serviceName = "app", taskDefinition = "app", desiredCount = 0 });
        AssertPassRoleRefused("deployer", $"arn:aws:iam::{Account}:role/other",
            await user.SendAsync("UpdateService", new { cluster = "web", service = "app", taskDefinition = "others" }));
    }

    [Fact]
    public async Task A_services_load_balancer_role_needs_iam_PassRole_to_ecs_and_a_role_that_trusts_ecs()
    {
        const string LbRole = $"arn:aws:iam::{Account}:role/service/lb";
        var user = await UserAsync("lb-deployer", $$"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"ecs:*","Resource":"*"},
              {"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"ecs.amazonaws.com"} } }]}
            """);
        await Root.OkAsync("RegisterTaskDefinition", Definition("plain-lb"));

        // Passed to ecs.amazonaws.com, not ecs-tasks: the user's policy allows it, and the root user's name for it resolves to the same role.
        await user.OkAsync("CreateService", new { cluster = "web", serviceName = "by-arn", taskDefinition = "plain-lb", desiredCount = 0, role = LbRole });
        var byName = await Root.OkAsync("CreateService", new { cluster = "web", serviceName = "by-name", taskDefinition = "plain-lb", desiredCount = 0, role = "service/lb" });
        Assert.Equal(LbRole, byName["service"]!["roleArn"]!.GetValue<string>());
        var tasksOnly = await UserAsync("tasks-deployer", """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"ecs:*","Resource":"*"},
              {"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"ecs-tasks.amazonaws.com"} } }]}
            """);
        AssertPassRoleRefused("tasks-deployer", LbRole,
            await tasksOnly.SendAsync("CreateService", new { cluster = "web", serviceName = "refused", taskDefinition = "plain-lb", desiredCount = 0, role = LbRole }));

        foreach (var role in new[] { AppRole, "missing" })
        {
            var refused = await Root.SendAsync("CreateService", new { cluster = "web", serviceName = "untrusted", taskDefinition = "plain-lb", desiredCount = 0, role });
            Assert.Equal((HttpStatusCode.BadRequest, "InvalidParameterException"), (refused.Status, refused.Error.Type));
            Assert.Equal("Unable to assume role and validate the specified targetGroupArn. Please verify that the ECS service role being passed has " +
                "the proper permissions.", refused.Error.Message);
        }
        var services = await Root.OkAsync("ListServices", new { cluster = "web" });
        Assert.Equal(2, services["serviceArns"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_role_that_does_not_exist_or_does_not_trust_ecs_tasks_is_refused_even_to_the_root_user()
    {
        foreach (var roleArn in new[] { $"arn:aws:iam::{Account}:role/ec2-only", $"arn:aws:iam::{Account}:role/missing" })
        {
            var refused = await Root.SendAsync("RegisterTaskDefinition", Definition("untrusted", taskRoleArn: roleArn));
            Assert.Equal((HttpStatusCode.BadRequest, "ClientException"), (refused.Status, refused.Error.Type));
            Assert.Equal($"ECS was unable to assume the role '{roleArn}' that was provided for this task. Please verify that the role being passed has " +
                "the proper trust relationship and permissions and that your IAM user has permissions to pass this role.", refused.Error.Message);
        }
        await Root.OkAsync("RegisterTaskDefinition", Definition("trusted", taskRoleArn: AppRole));
    }

    [Fact]
    public async Task A_polled_assignment_carries_the_tasks_role_credentials_which_act_as_the_role_and_nothing_more()
    {
        // As the agent registers: a definition with a task role requires the capability.
        var instanceArn = await ClusterCapacity.RegisterInstanceAsync(Root, "web", "i-credentials",
            attributes: [new { name = "com.amazonaws.ecs.capability.task-iam-role" }]);
        await Root.OkAsync("RegisterTaskDefinition", Definition("app", taskRoleArn: AppRole));
        await Root.OkAsync("RegisterTaskDefinition", Definition("plain"));
        var taskArn = (string)(await Root.OkAsync("RunTask", new { cluster = "web", taskDefinition = "app" }))["tasks"]![0]!["taskArn"]!;
        var plainArn = (string)(await Root.OkAsync("RunTask", new { cluster = "web", taskDefinition = "plain" }))["tasks"]![0]!["taskArn"]!;

        var first = await PollAsync(instanceArn);
        Assert.Null(first.Tasks.Single(t => t.Task.TaskArn == plainArn).RoleCredentials);
        var credentials = first.Tasks.Single(t => t.Task.TaskArn == taskArn).RoleCredentials!;
        Assert.Equal(AppRole, credentials.RoleArn);
        Assert.StartsWith("ASIA", credentials.AccessKeyId, StringComparison.Ordinal);
        Assert.Equal(credentials, (await PollAsync(instanceArn)).Tasks.Single(t => t.Task.TaskArn == taskArn).RoleCredentials);

        var asTask = new EcsClient(Server.NewHttp(new SigningHandler(credentials.AccessKeyId,
            new SigningCredential(credentials.SecretAccessKey, credentials.Token, credentials.Expiration))), "us-east-1");
        Assert.Single((await asTask.OkAsync("ListClusters", new { }))["clusterArns"]!.AsArray());
        var refused = await asTask.SendAsync("DescribeClusters", new { clusters = new[] { "web" } });
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDeniedException"), (refused.Status, refused.Error.Type));
        Assert.StartsWith($"User: arn:aws:sts::{Account}:assumed-role/app/{taskArn[(taskArn.LastIndexOf('/') + 1)..]} is not authorized to perform: ecs:DescribeClusters",
            refused.Error.Message);
    }

    [Fact]
    public async Task A_polled_assignment_carries_the_execution_roles_credentials_apart_from_the_task_roles()
    {
        var instanceArn = await ClusterCapacity.RegisterInstanceAsync(Root, "web", "i-execution",
            attributes: [new { name = "com.amazonaws.ecs.capability.task-iam-role" }]);
        await Root.OkAsync("RegisterTaskDefinition", Definition("both", taskRoleArn: AppRole, executionRoleArn: $"arn:aws:iam::{Account}:role/other"));
        await Root.OkAsync("RegisterTaskDefinition", Definition("execution-only", executionRoleArn: AppRole));
        var bothArn = (string)(await Root.OkAsync("RunTask", new { cluster = "web", taskDefinition = "both" }))["tasks"]![0]!["taskArn"]!;
        var executionOnlyArn = (string)(await Root.OkAsync("RunTask", new { cluster = "web", taskDefinition = "execution-only" }))["tasks"]![0]!["taskArn"]!;

        var tasks = (await PollAsync(instanceArn)).Tasks;
        var both = tasks.Single(t => t.Task.TaskArn == bothArn);
        Assert.Equal((AppRole, $"arn:aws:iam::{Account}:role/other"), (both.RoleCredentials!.RoleArn, both.ExecutionRoleCredentials!.RoleArn));
        Assert.NotEqual(both.RoleCredentials.AccessKeyId, both.ExecutionRoleCredentials.AccessKeyId);
        var executionOnly = tasks.Single(t => t.Task.TaskArn == executionOnlyArn);
        Assert.Null(executionOnly.RoleCredentials);
        Assert.Equal(AppRole, executionOnly.ExecutionRoleCredentials!.RoleArn);

        // The execution role's session acts as that role: app's policy allows ListClusters, nothing else.
        var credentials = executionOnly.ExecutionRoleCredentials;
        var asExecution = new EcsClient(Server.NewHttp(new SigningHandler(credentials.AccessKeyId,
            new SigningCredential(credentials.SecretAccessKey, credentials.Token, credentials.Expiration))), "us-east-1");
        await asExecution.OkAsync("ListClusters", new { });
        var refused = await asExecution.SendAsync("DescribeClusters", new { clusters = new[] { "web" } });
        Assert.StartsWith($"User: arn:aws:sts::{Account}:assumed-role/app/{executionOnlyArn[(executionOnlyArn.LastIndexOf('/') + 1)..]} is not authorized",
            refused.Error.Message);
    }

    [Fact]
    public async Task With_auth_off_a_task_still_gets_credentials_for_any_role_and_they_act_as_the_root_user()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"berth-task-roles-off-{Guid.NewGuid():N}");
        try
        {
            await using var server = await RunningServer.StartAsync(directory);
            var ecs = server.Client("us-east-1");
            await ecs.OkAsync("CreateCluster", new { clusterName = "web" });
            var instanceArn = await ClusterCapacity.RegisterInstanceAsync(ecs, "web", "i-off",
                attributes: [new { name = "com.amazonaws.ecs.capability.task-iam-role" }]);
            await ecs.OkAsync("RegisterTaskDefinition", Definition("app", taskRoleArn: "arn:aws:iam::123456789012:role/nowhere"));
            await ecs.OkAsync("RunTask", new { cluster = "web", taskDefinition = "app" });

            var credentials = (await PollAsync(server.Http, instanceArn)).Tasks.Single().RoleCredentials!;
            Assert.Equal("arn:aws:iam::123456789012:role/nowhere", credentials.RoleArn);
            var asTask = new EcsClient(server.NewHttp(new SigningHandler(credentials.AccessKeyId,
                new SigningCredential(credentials.SecretAccessKey, credentials.Token, credentials.Expiration))), "us-east-1");
            await asTask.OkAsync("CreateCluster", new { clusterName = "made-by-the-task" });
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private Task<AgentPollResponse> PollAsync(string instanceArn) => PollAsync(Server.NewHttp(_rootSigner!), instanceArn);

    private static async Task<AgentPollResponse> PollAsync(HttpClient http, string instanceArn)
    {
        using var response = await http.PostAsync("/_berth/agent/v1/poll", new StringContent(
            JsonSerializer.Serialize(new AgentPollRequest { ContainerInstanceArn = instanceArn, AssignmentsVersion = -1, WaitSeconds = 0 },
                StateJsonContext.Default.AgentPollRequest), Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(), StateJsonContext.Default.AgentPollResponse)!;
    }
}
