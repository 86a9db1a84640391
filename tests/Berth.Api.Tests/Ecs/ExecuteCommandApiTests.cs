using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Berth.Api.Tests.Agent;

namespace Berth.Api.Tests.Ecs;

/// <summary>ECS Exec over the API: enableExecuteCommand, managedAgents, ExecuteCommand's refusals and session, and the relay.</summary>
public class ExecuteCommandApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private const string NotEnabled = "The execute command failed because execute command was not enabled when the task was run or the execute command agent isn't running.";
    private readonly EcsClient _ecs = server.NewClient();

    private async Task<(string Instance, string Task)> RunAsync(string cluster, bool enableExecuteCommand)
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = cluster });
        var instance = await ClusterCapacity.RegisterInstanceAsync(_ecs, cluster, $"i-{cluster}");
        await ClusterCapacity.RegisterWebAsync(_ecs, $"{cluster}-web");
        var run = await _ecs.OkAsync("RunTask", new { cluster, taskDefinition = $"{cluster}-web", enableExecuteCommand });
        return (instance, (string)run["tasks"]![0]!["taskArn"]!);
    }

    private Task ReportRunningAsync(string instance, string task) => AgentReports.ReportAsync(server.Http, instance, task, "RUNNING", "web");

    private async Task<JsonNode> ContainerAsync(string cluster, string task) =>
        (await _ecs.OkAsync("DescribeTasks", new { cluster, tasks = new[] { task } }))["tasks"]![0]!["containers"]![0]!;

    [Fact]
    public async Task The_execute_command_agent_follows_the_container_and_execute_command_waits_for_it()
    {
        var (instance, task) = await RunAsync("exec-agent", enableExecuteCommand: true);
        var pending = (await ContainerAsync("exec-agent", task))["managedAgents"]![0]!;
        Assert.Equal("ExecuteCommandAgent", (string)pending["name"]!);
        Assert.Equal("PENDING", (string)pending["lastStatus"]!);

        var early = await _ecs.ErrorAsync("ExecuteCommand", new { cluster = "exec-agent", task, command = "sh", interactive = true });
        Assert.Equal("InvalidParameterException", early.Type);
        Assert.StartsWith(NotEnabled, early.Message, StringComparison.Ordinal);

        await ReportRunningAsync(instance, task);
        var running = (await ContainerAsync("exec-agent", task))["managedAgents"]![0]!;
        Assert.Equal("RUNNING", (string)running["lastStatus"]!);
        Assert.NotNull(running["lastStartedAt"]);
        var described = (await _ecs.OkAsync("DescribeTasks", new { cluster = "exec-agent", tasks = new[] { task } }))["tasks"]![0]!;
        Assert.True((bool)described["enableExecuteCommand"]!);
    }

    [Fact]
    public async Task ExecuteCommand_refuses_what_ecs_refuses()
    {
        var (instance, task) = await RunAsync("exec-refuse", enableExecuteCommand: false);
        await ReportRunningAsync(instance, task);

        var notEnabled = await _ecs.ErrorAsync("ExecuteCommand", new { cluster = "exec-refuse", task, command = "sh", interactive = true });
        Assert.Equal("InvalidParameterException", notEnabled.Type);
        Assert.StartsWith(NotEnabled, notEnabled.Message, StringComparison.Ordinal);

        var (_, enabled) = await RunAsync("exec-refuse-2", enableExecuteCommand: true);
        await ReportRunningAsync(await ClusterCapacity.RegisterInstanceAsync(_ecs, "exec-refuse-2", "i-exec-refuse-2"), enabled);
        Assert.Equal(("InvalidParameterException", "Interactive is the only mode supported currently."),
            await _ecs.ErrorAsync("ExecuteCommand", new { cluster = "exec-refuse-2", task = enabled, command = "sh", interactive = false }));
        Assert.Equal("InvalidParameterException",
            (await _ecs.ErrorAsync("ExecuteCommand", new { cluster = "exec-refuse-2", task = enabled, command = "sh", interactive = true, container = "nope" })).Type);
        Assert.Equal("InvalidParameterException",
            (await _ecs.ErrorAsync("ExecuteCommand", new { cluster = "exec-refuse-2", task = enabled, command = "sh -c 'unterminated", interactive = true })).Type);
        Assert.Equal("InvalidParameterException",
            (await _ecs.ErrorAsync("ExecuteCommand", new { cluster = "exec-refuse-2", task = "no-such-task", command = "sh", interactive = true })).Type);
        Assert.Equal("ClusterNotFoundException",
            (await _ecs.ErrorAsync("ExecuteCommand", new { cluster = "exec-missing", task = enabled, command = "sh", interactive = true })).Type);
    }

    [Fact]
    public async Task A_session_reaches_the_agent_in_its_poll_and_the_relay_joins_client_and_agent()
    {
        var (instance, task) = await RunAsync("exec-session", enableExecuteCommand: true);
        await ReportRunningAsync(instance, task);

        var answer = await _ecs.OkAsync("ExecuteCommand", new { cluster = "exec-session", task, command = "sh -c 'echo $((6*7))'", interactive = true });
        Assert.Equal(task, (string)answer["taskArn"]!);
        Assert.Equal("web", (string)answer["containerName"]!);
        Assert.True((bool)answer["interactive"]!);
        var sessionId = (string)answer["session"]!["sessionId"]!;
        Assert.StartsWith("ecs-execute-command-", sessionId, StringComparison.Ordinal);
        var streamUrl = new Uri((string)answer["session"]!["streamUrl"]!);
        Assert.Equal($"ws://{server.Http.BaseAddress!.Authority}/_berth/exec/v1/{sessionId}", streamUrl.ToString());

        using var poll = await server.Http.PostAsJsonAsync("/_berth/agent/v1/poll", new { containerInstanceArn = instance, assignmentsVersion = -1, waitSeconds = 0 });
        var offered = (await poll.Content.ReadFromJsonAsync<JsonNode>())!["execSessions"]!.AsArray().Single()!;
        Assert.Equal(sessionId, (string)offered["sessionId"]!);
        Assert.Equal(new[] { "sh", "-c", "echo $((6*7))" }, offered["command"]!.AsArray().Select(w => (string)w!).ToArray());

        using var intruder = new ClientWebSocket();
        intruder.Options.SetRequestHeader("X-Berth-Session-Token", "not-the-token");
        await Assert.ThrowsAsync<WebSocketException>(() => intruder.ConnectAsync(streamUrl, CancellationToken.None));

        using var client = new ClientWebSocket();
        client.Options.SetRequestHeader("X-Berth-Session-Token", (string)answer["session"]!["tokenValue"]!);
        await client.ConnectAsync(streamUrl, CancellationToken.None);
        using var agent = new ClientWebSocket();
        await agent.ConnectAsync(new Uri($"ws://{server.Http.BaseAddress!.Authority}/_berth/agent/v1/exec/{sessionId}"), CancellationToken.None);

        await client.SendAsync("\0from client"u8.ToArray(), WebSocketMessageType.Binary, true, CancellationToken.None);
        Assert.Equal("\0from client", await ReceiveAsync(agent));
        await agent.SendAsync("\u0013from agent"u8.ToArray(), WebSocketMessageType.Binary, true, CancellationToken.None);
        await agent.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        Assert.Equal("\u0013from agent", await ReceiveAsync(client));
        Assert.Null(await ReceiveAsync(client));

        // Single use: the token does not open the session again.
        using var again = new ClientWebSocket();
        again.Options.SetRequestHeader("X-Berth-Session-Token", (string)answer["session"]!["tokenValue"]!);
        await Assert.ThrowsAsync<WebSocketException>(() => again.ConnectAsync(streamUrl, CancellationToken.None));
    }

    /// <summary>The next message as text; null once the other side closed.</summary>
    private static async Task<string?> ReceiveAsync(WebSocket socket)
    {
        var buffer = new byte[1024];
        var received = await socket.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        return received.MessageType == WebSocketMessageType.Close ? null : System.Text.Encoding.UTF8.GetString(buffer, 0, received.Count);
    }
}
