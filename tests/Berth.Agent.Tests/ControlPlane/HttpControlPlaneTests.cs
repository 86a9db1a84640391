using System.Text;
using System.Text.Json;
using Berth.Agent.ControlPlane;
using Berth.Agent.Logs;
using Berth.Core.Agent;
using Berth.Core.Ecs;
using Berth.Core.Identity.Signing;
using Berth.Core.Logs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Agent.Tests.ControlPlane;

/// <summary>The HTTP control plane speaks ECS JSON 1.1 for registration and the agent protocol for poll and report.</summary>
public sealed class HttpControlPlaneTests : IAsyncLifetime
{
    private readonly List<(string Path, string? Target, string? ContentType, string Body, SigV4Request Signed)> _requests = [];
    private WebApplication? _server;
    private Uri? _url;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        _server = builder.Build();
        _server.Run(async http =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            lock (_requests)
            {
                _requests.Add((http.Request.Path, http.Request.Headers["X-Amz-Target"].FirstOrDefault(), http.Request.ContentType, body, AsReceived(http, body)));
            }
            switch (http.Request.Path.Value)
            {
                case "/" when body.Contains("\"containerInstanceArn\":\"arn:unknown\"", StringComparison.Ordinal):
                    http.Response.StatusCode = 400;
                    http.Response.Headers["x-amzn-ErrorType"] = "InvalidParameterException:http://internal.amazon.com/";
                    await http.Response.WriteAsync("""{"__type":"InvalidParameterException","message":"unknown instance"}""");
                    break;
                case "/":
                    await http.Response.WriteAsync("""{"containerInstance":{"containerInstanceArn":"arn:aws:ecs:us-east-1:000000000000:container-instance/default/abc","registeredAt":1700000000.5}}""");
                    break;
                case "/_berth/agent/v1/poll":
                    await http.Response.WriteAsync("""{"assignmentsVersion":7,"tasks":[{"task":{"taskArn":"arn:t","desiredStatus":"RUNNING","createdAt":1700000000},"taskDefinition":{"family":"web","revision":3}}]}""");
                    break;
                case "/_berth/agent/v1/reports" when body.Contains("arn:busy", StringComparison.Ordinal):
                    http.Response.StatusCode = 503;
                    await http.Response.WriteAsync("""{"__type":"ServerException","message":"busy"}""");
                    break;
                case "/_berth/agent/v1/reports":
                    await http.Response.WriteAsync("""{"results":[{"taskArn":"arn:t","outcome":"applied"},{"taskArn":"arn:u","outcome":"notFound"}]}""");
                    break;
            }
        });
        await _server.StartAsync();
        _url = new Uri(_server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    [Fact]
    public async Task RegisterContainerInstance_goes_through_the_ECS_JSON_API()
    {
        using var client = new HttpControlPlane(new AgentOptions { ServerUrl = _url }, TimeProvider.System);
        var response = await client.RegisterAsync(new RegisterContainerInstanceRequest { Cluster = "default" }, CancellationToken.None);

        Assert.Equal("arn:aws:ecs:us-east-1:000000000000:container-instance/default/abc", response.ContainerInstance!.ContainerInstanceArn);
        var request = _requests.Single();
        Assert.Equal("/", request.Path);
        Assert.Equal("AmazonEC2ContainerServiceV20141113.RegisterContainerInstance", request.Target);
        Assert.Equal("application/x-amz-json-1.1", request.ContentType);
        Assert.Equal("default", JsonDocument.Parse(request.Body).RootElement.GetProperty("cluster").GetString());
    }

    [Fact]
    public async Task ECS_errors_become_ControlPlaneExceptions_with_the_short_error_code()
    {
        using var client = new HttpControlPlane(new AgentOptions { ServerUrl = _url }, TimeProvider.System);
        var error = await Assert.ThrowsAsync<ControlPlaneException>(() =>
            client.RegisterAsync(new RegisterContainerInstanceRequest { ContainerInstanceArn = "arn:unknown" }, CancellationToken.None));
        Assert.Equal(400, error.HttpStatus);
        Assert.Equal("InvalidParameterException", error.ErrorCode);
        Assert.False(error.IsRetryable);

        var busy = await Assert.ThrowsAsync<ControlPlaneException>(() => client.ReportAllAsync([Report("arn:busy")], CancellationToken.None));
        Assert.True(busy.IsRetryable);
    }

    [Fact]
    public async Task Poll_and_report_use_the_agent_protocol_endpoints()
    {
        using var client = new HttpControlPlane(new AgentOptions { ServerUrl = _url }, TimeProvider.System);
        var poll = await client.PollAsync(new AgentPollRequest { ContainerInstanceArn = "arn:i", AssignmentsVersion = 6, WaitSeconds = 1 }, CancellationToken.None);

        Assert.Equal(7, poll.AssignmentsVersion);
        Assert.Equal("arn:t", Assert.Single(poll.Tasks).Task.TaskArn);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), poll.Tasks[0].Task.CreatedAt);
        var body = JsonDocument.Parse(_requests.Single().Body).RootElement;
        Assert.Equal("arn:i", body.GetProperty("containerInstanceArn").GetString());
        Assert.Equal(6, body.GetProperty("assignmentsVersion").GetInt64());
        Assert.Equal(1, body.GetProperty("waitSeconds").GetInt32());
    }

    [Fact]
    public async Task Reports_go_together_in_one_request_and_come_back_answered_one_by_one()
    {
        using var client = new HttpControlPlane(new AgentOptions { ServerUrl = _url }, TimeProvider.System);
        var results = await client.ReportAllAsync([Report("arn:t"), Report("arn:u")], CancellationToken.None);

        Assert.Equal([("arn:t", "applied"), ("arn:u", "notFound")], results.Select(r => (r.TaskArn, r.Outcome)));
        var request = _requests.Single();
        Assert.Equal("/_berth/agent/v1/reports", request.Path);
        var reports = JsonDocument.Parse(request.Body).RootElement.GetProperty("reports");
        Assert.Equal(["arn:t", "arn:u"], reports.EnumerateArray().Select(r => r.GetProperty("taskArn").GetString()));
    }

    [Fact]
    public async Task With_credentials_every_ECS_and_agent_protocol_call_is_signed_for_ecs_in_the_agents_region()
    {
        var key = new AgentCredentials("AKIDAGENT", "agent-secret");
        using var client = new HttpControlPlane(new AgentOptions { ServerUrl = _url, Credentials = key, Region = "eu-west-3" }, TimeProvider.System);

        await client.RegisterAsync(new RegisterContainerInstanceRequest { Cluster = "default" }, CancellationToken.None);
        await client.CreateClusterAsync("default", CancellationToken.None);
        await client.PollAsync(new AgentPollRequest { ContainerInstanceArn = "arn:i", WaitSeconds = 0 }, CancellationToken.None);
        await client.ReportStatsAsync(new AgentStatsReport { ContainerInstanceArn = "arn:i", Tasks = [] }, CancellationToken.None);
        await client.ReportAllAsync([Report("arn:t")], CancellationToken.None);

        Assert.Equal(["/", "/", "/_berth/agent/v1/poll", "/_berth/agent/v1/stats", "/_berth/agent/v1/reports"], _requests.Select(r => r.Path));
        foreach (var request in _requests)
        {
            var verdict = await VerifyAsync(request.Signed, "ecs", new SigningCredential(key.SecretAccessKey));
            Assert.True(verdict.IsAccepted, $"{request.Path}: {verdict.Failure?.Message}");
            Assert.Equal(("AKIDAGENT", "eu-west-3", "ecs"), (verdict.Identity!.AccessKeyId, verdict.Identity.Region, verdict.Identity.Service));
            Assert.Equal(SigV4FailureKind.InvalidSignature,
                (await VerifyAsync(request.Signed, "ecs", new SigningCredential("forged-secret"))).Failure?.Kind);
        }
    }

    [Fact]
    public async Task With_a_server_down_the_next_call_goes_to_the_next_server_signed_for_it()
    {
        var key = new AgentCredentials("AKIDAGENT", "agent-secret");
        var down = new UriBuilder(_url!) { Port = FreePort() }.Uri;
        using var client = new HttpControlPlane(new AgentOptions { ServerUrl = down, OtherServerUrls = [_url!], Credentials = key }, TimeProvider.System);
        var poll = new AgentPollRequest { ContainerInstanceArn = "arn:i", WaitSeconds = 0 };

        await Assert.ThrowsAsync<HttpRequestException>(() => client.PollAsync(poll, CancellationToken.None));
        var answer = await client.PollAsync(poll, CancellationToken.None);

        Assert.Equal(7, answer.AssignmentsVersion);
        var verdict = await VerifyAsync(_requests.Single().Signed, "ecs", new SigningCredential(key.SecretAccessKey));
        Assert.True(verdict.IsAccepted, verdict.Failure?.Message);
    }

    /// <summary>A loopback port nothing listens on (taken, then given back).</summary>
    private static AgentTaskReport Report(string taskArn) =>
        new() { ContainerInstanceArn = "arn:i", TaskArn = taskArn, LastStatus = "RUNNING", Containers = [] };

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task Logs_calls_are_signed_for_logs_in_the_awslogs_region_with_the_session_token()
    {
        var key = new AgentCredentials("ASIAAGENT", "agent-secret", "session-token");
        using var client = new HttpControlPlane(new AgentOptions { ServerUrl = _url, Credentials = key, Region = "eu-west-3" }, TimeProvider.System);

        await client.GroupExistsAsync(new LogsCaller("ap-south-1"), "/ecs/web", CancellationToken.None);
        await client.PutAsync(new LogsCaller(null), "/ecs/web", "web/app/1", [new InputLogEvent { Timestamp = 1, Message = "hello" }], CancellationToken.None);

        var inSouth = await VerifyAsync(_requests[0].Signed, "logs", new SigningCredential(key.SecretAccessKey, key.SessionToken));
        var inDefault = await VerifyAsync(_requests[1].Signed, "logs", new SigningCredential(key.SecretAccessKey, key.SessionToken));
        Assert.Equal(("ap-south-1", "logs", "session-token"), (inSouth.Identity?.Region, inSouth.Identity?.Service, inSouth.Identity?.SessionToken));
        Assert.Equal("eu-west-3", inDefault.Identity?.Region);
        Assert.Equal(SigV4FailureKind.UnrecognizedClient,
            (await VerifyAsync(_requests[0].Signed, "logs", new SigningCredential(key.SecretAccessKey))).Failure?.Kind);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_tasks_logs_are_signed_with_its_execution_roles_credentials_not_the_agents(bool agentHasKey)
    {
        var execution = new AgentCredentials("ASIAEXECUTION", "execution-secret", "execution-token");
        var options = new AgentOptions { ServerUrl = _url, Region = "eu-west-3", Credentials = agentHasKey ? new AgentCredentials("AKIDAGENT", "agent-secret") : null };
        using var client = new HttpControlPlane(options, TimeProvider.System);

        await client.CreateStreamAsync(new LogsCaller("ap-south-1", execution), "/ecs/web", "web/app/1", CancellationToken.None);
        await client.PutAsync(new LogsCaller(null, execution), "/ecs/web", "web/app/1", [new InputLogEvent { Timestamp = 1, Message = "hello" }],
            CancellationToken.None);

        foreach (var request in _requests)
        {
            var verdict = await VerifyAsync(request.Signed, "logs", new SigningCredential(execution.SecretAccessKey, execution.SessionToken));
            Assert.True(verdict.IsAccepted, verdict.Failure?.Message);
            Assert.Equal(("ASIAEXECUTION", "execution-token"), (verdict.Identity!.AccessKeyId, verdict.Identity.SessionToken));
        }
        Assert.Equal(["ap-south-1", "eu-west-3"], await Task.WhenAll(_requests.Select(async r =>
            (await VerifyAsync(r.Signed, "logs", new SigningCredential(execution.SecretAccessKey, execution.SessionToken))).Identity!.Region)));
    }

    [Fact]
    public async Task Without_credentials_requests_are_unsigned_and_awslogs_only_state_their_region()
    {
        using var client = new HttpControlPlane(new AgentOptions { ServerUrl = _url }, TimeProvider.System);

        await client.RegisterAsync(new RegisterContainerInstanceRequest { Cluster = "default" }, CancellationToken.None);
        await client.GroupExistsAsync(new LogsCaller("ap-south-1"), "/ecs/web", CancellationToken.None);

        Assert.Null(_requests[0].Signed.Headers.FirstOrDefault(h => h.Key == "Authorization").Value);
        Assert.Contains("/ap-south-1/logs/aws4_request", _requests[1].Signed.Headers.Single(h => h.Key == "Authorization").Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_print_the_access_key_id_but_never_the_secret_or_the_token()
    {
        var printed = new AgentOptions { Credentials = new AgentCredentials("AKIDPRINTED", "very-secret", "session-token") }.ToString();

        Assert.Contains("AKIDPRINTED", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("very-secret", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("session-token", printed, StringComparison.Ordinal);
    }

    private static ValueTask<SigV4Verdict> VerifyAsync(SigV4Request request, string service, SigningCredential credential) =>
        SigV4Verifier.VerifyAsync(request, DateTimeOffset.UtcNow, service, (_, _) => ValueTask.FromResult<SigningCredential?>(credential), CancellationToken.None);

    /// <summary>The request as a server's SigV4 verification sees it: the raw target, every header line, the body's hash.</summary>
    private static SigV4Request AsReceived(HttpContext http, string body)
    {
        var target = http.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var query = target.IndexOf('?', StringComparison.Ordinal);
        var headers = http.Request.Headers.SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v ?? ""))).ToList();
        return new SigV4Request(http.Request.Method, query < 0 ? target : target[..query], query < 0 ? "" : target[(query + 1)..], headers,
            SigV4Request.HashPayload(Encoding.UTF8.GetBytes(body)));
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
