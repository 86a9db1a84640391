using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Berth.Api.Protocol;
using Berth.Api.Tests.Ecs;
using Berth.Control.Identity;
using Berth.Core.Identity.Signing;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Api.Tests.Identity;

/// <summary>
/// Agents' own identities on a sigv4 server: joining (with the root key, an admin's key or a join token) issues the
/// instance a key; the agent routes take agents and the root user only, and an agent acts for its own instance and
/// tasks; deregistration revokes the agent's key.
/// </summary>
public sealed class AgentIdentityTests : IAsyncLifetime
{
    private const string Account = "000000000000";
    private const string Cluster = "fleet";
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"berth-agent-id-{Guid.NewGuid():N}");
    private RunningServer? _server;
    private SigningHandler? _rootSigning;

    private RunningServer Server => _server!;

    private EcsClient Root => new(Server.NewHttp(_rootSigning!), "us-east-1");

    private IamUsers Users => Server.Services.GetRequiredService<IamUsers>();

    public async Task InitializeAsync()
    {
        _server = await RunningServer.StartAsync(_dataDirectory, new ApiOptions { Auth = AuthMode.SigV4 });
        var root = (await Server.RootKeyAsync())!;
        _rootSigning = new SigningHandler(root.AccessKeyId, new SigningCredential(root.NewSecretAccessKey!));
        await Root.OkAsync("CreateCluster", new { clusterName = Cluster });
        await Root.OkAsync("CreateCluster", new { clusterName = "other" });
        await ClusterCapacity.RegisterWebAsync(Root, "web");
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private static object Registration(string instanceId, string cluster = Cluster) => new
    {
        cluster,
        instanceIdentityDocument = $$"""{"instanceId":"{{instanceId}}","availabilityZone":"local-1a","hostAddress":"127.0.0.1"}""",
        totalResources = new object[]
        {
            new { name = "CPU", type = "INTEGER", integerValue = 2048 },
            new { name = "MEMORY", type = "INTEGER", integerValue = 4096 },
        },
    };

    private static JsonObject ReRegistration(string instanceId, string instanceArn)
    {
        var registration = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Registration(instanceId)))!.AsObject();
        registration["containerInstanceArn"] = instanceArn;
        return registration;
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body, string? Error)> PostAsync(HttpClient http, string path, object body)
    {
        using var response = await http.PostAsync(path, new StringContent(System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        var json = text.Length > 0 ? JsonNode.Parse(text) : null;
        return (response.StatusCode, json, response.Headers.TryGetValues("x-amzn-ErrorType", out var types) ? types.Single() : (string?)json?["__type"]);
    }

    private sealed record JoinedAgent(string InstanceArn, HttpClient Http, HttpClient LogsHttp);

    /// <summary>Joins with the root key; the agent's client signs with the key the join answered.</summary>
    private async Task<JoinedAgent> JoinAsync(string instanceId, HttpClient? joiner = null, string? joinToken = null)
    {
        var (status, body, error) = await PostAsync(joiner ?? Server.NewHttp(_rootSigning!), "/_berth/agent/v1/join",
            new { joinToken, registration = Registration(instanceId) });
        Assert.True(status == HttpStatusCode.OK, $"join: {status} {error} {body}");
        var key = body!["credentials"]!;
        Assert.StartsWith("AKIA", (string)key["accessKeyId"]!);
        var (id, secret) = ((string)key["accessKeyId"]!, new SigningCredential((string)key["secretAccessKey"]!));
        return new JoinedAgent((string)body["containerInstance"]!["containerInstanceArn"]!, Server.NewHttp(new SigningHandler(id, secret)),
            Server.NewHttp(new SigningHandler(id, secret, "logs")));
    }

    private static object Poll(string instanceArn) => new { containerInstanceArn = instanceArn, assignmentsVersion = 0, waitSeconds = 0 };

    /// <summary>A batch of one report (docs/agent-protocol.md §3).</summary>
    private static object Report(string instanceArn, string taskArn) =>
        new { reports = new[] { new { containerInstanceArn = instanceArn, taskArn, lastStatus = "RUNNING", containers = new[] { new { name = "web", lastStatus = "RUNNING" } } } } };

    private async Task<string> RunTaskAsync() =>
        (string)(await Root.OkAsync("RunTask", new { cluster = Cluster, taskDefinition = "web:1" }))["tasks"]![0]!["taskArn"]!;

    private async Task<SigningHandler> UserAsync(string name, string policy)
    {
        await Users.CreateAsync(Account, name, null, new Dictionary<string, string>(), CancellationToken.None);
        await Users.PutPolicyAsync(Account, name, "policy", policy, CancellationToken.None);
        var key = await Users.CreateAccessKeyAsync(Account, name, "unused", CancellationToken.None);
        return new SigningHandler(key.AccessKeyId, new SigningCredential(key.SecretAccessKey));
    }

    [Fact]
    public async Task An_agent_joined_with_the_root_key_polls_and_reports_on_its_own_task_with_its_own_key()
    {
        var agent = await JoinAsync("i-happy");
        Assert.Equal($"arn:aws:ecs:us-east-1:{Account}:container-instance/{Cluster}/", agent.InstanceArn[..^32]);
        var task = await RunTaskAsync();

        var polled = await PostAsync(agent.Http, "/_berth/agent/v1/poll", Poll(agent.InstanceArn));
        Assert.Equal(HttpStatusCode.OK, polled.Status);
        Assert.Equal(task, (string)polled.Body!["tasks"]![0]!["task"]!["taskArn"]!);
        var reported = await PostAsync(agent.Http, "/_berth/agent/v1/reports", Report(agent.InstanceArn, task));
        Assert.Equal(HttpStatusCode.OK, reported.Status);
        Assert.Equal("applied", (string)reported.Body!["results"]![0]!["outcome"]!);
        var stats = new { containerInstanceArn = agent.InstanceArn, tasks = new[] { new { taskArn = task, timestamp = 1_800_000_000, cpuUnits = 1.0, memoryMiB = 2.0 } } };
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(agent.Http, "/_berth/agent/v1/stats", stats)).Status);
        var described = await Root.OkAsync("DescribeTasks", new { cluster = Cluster, tasks = new[] { task } });
        Assert.Equal("RUNNING", (string)described["tasks"]![0]!["lastStatus"]!);
        // ECS's own agent operation works for its own task with its own key too.
        await new EcsClient(agent.Http, "us-east-1").OkAsync("SubmitContainerStateChange", new { cluster = Cluster, task, containerName = "web", runtimeId = "abc" });
        Assert.Equal("abc", (string)(await Root.OkAsync("DescribeTasks", new { cluster = Cluster, tasks = new[] { task } }))["tasks"]![0]!["containers"]![0]!["runtimeId"]!);

        // Its re-registration (an agent restarting) names its own instance, signed with its own key.
        var again = await new EcsClient(agent.Http, "us-east-1").SendAsync("RegisterContainerInstance",
            ReRegistration("i-happy", agent.InstanceArn));
        Assert.Equal(HttpStatusCode.OK, again.Status);
    }

    [Fact]
    public async Task An_agent_may_not_poll_report_or_send_stats_for_another_instance_or_its_tasks()
    {
        var owner = await JoinAsync("i-owner");
        var task = await RunTaskAsync();
        var intruder = await JoinAsync("i-intruder");

        var poll = await PostAsync(intruder.Http, "/_berth/agent/v1/poll", Poll(owner.InstanceArn));
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDeniedException"), (poll.Status, poll.Error));
        Assert.Equal($"User: {intruder.InstanceArn} is not authorized to poll for {owner.InstanceArn}: an agent acts for its own container instance and tasks only",
            (string)poll.Body!["message"]!);

        var asOwner = await PostAsync(intruder.Http, "/_berth/agent/v1/reports", Report(owner.InstanceArn, task));
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDeniedException"), (asOwner.Status, asOwner.Error));
        Assert.Contains($"to report for {owner.InstanceArn}", (string)asOwner.Body!["message"]!);
        // Speaking for itself, on a task of another instance: that report is refused, and the agent drops it.
        var asItself = await PostAsync(intruder.Http, "/_berth/agent/v1/reports", Report(intruder.InstanceArn, task));
        Assert.Equal(HttpStatusCode.OK, asItself.Status);
        Assert.Equal((task, "notOwn"), ((string)asItself.Body!["results"]![0]!["taskArn"]!, (string)asItself.Body["results"]![0]!["outcome"]!));

        var stats = new { containerInstanceArn = intruder.InstanceArn, tasks = new[] { new { taskArn = task, timestamp = 1_800_000_000, cpuUnits = 1.0, memoryMiB = 2.0 } } };
        var refused = await PostAsync(intruder.Http, "/_berth/agent/v1/stats", stats);
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDeniedException"), (refused.Status, refused.Error));
        // Nor through ECS's own agent operations.
        var submitted = await new EcsClient(intruder.Http, "us-east-1").SendAsync("SubmitTaskStateChange", new { cluster = Cluster, task, status = "RUNNING" });
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDeniedException"), (submitted.Status, submitted.Error.Type));

        var described = await Root.OkAsync("DescribeTasks", new { cluster = Cluster, tasks = new[] { task } });
        Assert.Equal("PENDING", (string)described["tasks"]![0]!["lastStatus"]!);

        // Nor re-register as another instance, or as a new one.
        var takeover = await new EcsClient(intruder.Http, "us-east-1").SendAsync("RegisterContainerInstance",
            ReRegistration("i-owner", owner.InstanceArn));
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDeniedException"), (takeover.Status, takeover.Error.Type));
    }

    [Fact]
    public async Task A_deregistered_agents_key_is_revoked_and_its_poll_refused()
    {
        var agent = await JoinAsync("i-leaving");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(agent.Http, "/_berth/agent/v1/poll", Poll(agent.InstanceArn))).Status);

        await Root.OkAsync("DeregisterContainerInstance", new { cluster = Cluster, containerInstance = agent.InstanceArn });

        var refused = await PostAsync(agent.Http, "/_berth/agent/v1/poll", Poll(agent.InstanceArn));
        Assert.Equal((HttpStatusCode.Forbidden, "UnrecognizedClientException"), (refused.Status, refused.Error));
        var logs = await new EcsClient(agent.LogsHttp, null, "Logs_20140328").SendAsync("CreateLogGroup", new { logGroupName = "/after-deregistration" });
        Assert.Equal((HttpStatusCode.Forbidden, "UnrecognizedClientException"), (logs.Status, logs.Error.Type));
    }

    [Fact]
    public async Task An_iam_user_even_allowed_everything_is_not_an_agent()
    {
        var admin = Server.NewHttp(await UserAsync("admin", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"""));
        var agent = await JoinAsync("i-real");
        var poll = await PostAsync(admin, "/_berth/agent/v1/poll", Poll(agent.InstanceArn));
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDeniedException"), (poll.Status, poll.Error));
        Assert.Contains("only agents, with the identity they got when joining, and the account's root user may", (string)poll.Body!["message"]!);
        var report = await PostAsync(admin, "/_berth/agent/v1/reports", Report(agent.InstanceArn, "arn:aws:ecs:us-east-1:000000000000:task/fleet/x"));
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDeniedException"), (report.Status, report.Error));

        // But one allowed ecs:RegisterContainerInstance may join an agent, which then has its own identity.
        var joined = await JoinAsync("i-by-admin", joiner: admin);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(joined.Http, "/_berth/agent/v1/poll", Poll(joined.InstanceArn))).Status);
    }

    [Fact]
    public async Task An_agents_key_ships_awslogs_but_runs_no_tasks()
    {
        var agent = await JoinAsync("i-logs");
        var logs = new EcsClient(agent.LogsHttp, null, "Logs_20140328");
        await logs.OkAsync("CreateLogGroup", new { logGroupName = "/ecs/web" });
        var refused = await new EcsClient(agent.Http, "us-east-1").SendAsync("RunTask", new { cluster = Cluster, taskDefinition = "web:1" });
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDeniedException"), (refused.Status, refused.Error.Type));
        Assert.StartsWith($"User: {agent.InstanceArn} is not authorized to perform: ecs:RunTask", refused.Error.Message);
    }

    [Fact]
    public async Task Joining_needs_a_signature_or_a_valid_join_token_for_the_cluster()
    {
        var unsigned = await PostAsync(Server.Http, "/_berth/agent/v1/join", new { registration = Registration("i-anon") });
        Assert.Equal((HttpStatusCode.Forbidden, "MissingAuthenticationTokenException"), (unsigned.Status, unsigned.Error));
        var forged = await PostAsync(Server.Http, "/_berth/agent/v1/join", new { joinToken = "berth-join.abc.def", registration = Registration("i-anon") });
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDeniedException"), (forged.Status, forged.Error));

        var created = await PostAsync(Server.NewHttp(_rootSigning!), "/_berth/agent/v1/tokens/create", new { cluster = Cluster, expiresInSeconds = 3600 });
        Assert.Equal(HttpStatusCode.OK, created.Status);
        var token = (string)created.Body!["joinToken"]!;
        var tokenId = (string)created.Body["token"]!["tokenId"]!;
        Assert.StartsWith($"berth-join.{tokenId}.", token);

        var elsewhere = await PostAsync(Server.Http, "/_berth/agent/v1/join", new { joinToken = token, registration = Registration("i-token", "other") });
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDeniedException"), (elsewhere.Status, elsewhere.Error));
        Assert.Equal($"The join token is for arn:aws:ecs:us-east-1:{Account}:cluster/{Cluster}, not cluster other.", (string)elsewhere.Body!["message"]!);

        var agent = await JoinAsync("i-token", joiner: Server.Http, joinToken: token);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(agent.Http, "/_berth/agent/v1/poll", Poll(agent.InstanceArn))).Status);

        var listed = await PostAsync(Server.NewHttp(_rootSigning!), "/_berth/agent/v1/tokens/list", new { cluster = Cluster });
        Assert.Equal(tokenId, (string)listed.Body!["tokens"]![0]!["tokenId"]!);
        Assert.DoesNotContain(token.Split('.')[2], listed.Body.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Server.NewHttp(_rootSigning!), "/_berth/agent/v1/tokens/revoke", new { tokenId })).Status);

        var revoked = await PostAsync(Server.Http, "/_berth/agent/v1/join", new { joinToken = token, registration = Registration("i-late") });
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDeniedException"), (revoked.Status, revoked.Error));
        // The agent that joined keeps its identity.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(agent.Http, "/_berth/agent/v1/poll", Poll(agent.InstanceArn))).Status);
    }

    [Fact]
    public async Task Join_tokens_are_made_by_the_root_user_or_a_user_allowed_berth_CreateAgentJoinToken_on_the_cluster()
    {
        var operatorHttp = Server.NewHttp(await UserAsync("operator",
            $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"berth:*AgentJoinToken*","Resource":"arn:aws:ecs:us-east-1:{{Account}}:cluster/{{Cluster}}"}]}"""));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(operatorHttp, "/_berth/agent/v1/tokens/create", new { cluster = Cluster })).Status);

        var other = await PostAsync(operatorHttp, "/_berth/agent/v1/tokens/create", new { cluster = "other" });
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDeniedException"), (other.Status, other.Error));
        Assert.Equal($"User: arn:aws:iam::{Account}:user/operator is not authorized to perform: berth:CreateAgentJoinToken on resource: " +
            $"arn:aws:ecs:us-east-1:{Account}:cluster/other because no identity-based policy allows the berth:CreateAgentJoinToken action",
            (string)other.Body!["message"]!);
        var all = await PostAsync(operatorHttp, "/_berth/agent/v1/tokens/list", new { });
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDeniedException"), (all.Status, all.Error));

        var agent = await JoinAsync("i-no-tokens");
        var byAgent = await PostAsync(agent.Http, "/_berth/agent/v1/tokens/create", new { cluster = Cluster });
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDeniedException"), (byAgent.Status, byAgent.Error));
        var unsigned = await PostAsync(Server.Http, "/_berth/agent/v1/tokens/create", new { cluster = Cluster });
        Assert.Equal((HttpStatusCode.Forbidden, "MissingAuthenticationTokenException"), (unsigned.Status, unsigned.Error));
        var tooLong = await PostAsync(Server.NewHttp(_rootSigning!), "/_berth/agent/v1/tokens/create", new { cluster = Cluster, expiresInSeconds = 90 * 86400 });
        Assert.Equal((HttpStatusCode.BadRequest, "InvalidParameterException"), (tooLong.Status, tooLong.Error));
    }
}
