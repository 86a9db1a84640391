using System.Text.Json;
using Berth.Agent.ControlPlane;
using Berth.Core.Agent;
using Berth.Core.Ecs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Agent.Tests.ControlPlane;

/// <summary>The HTTP control plane speaks ECS JSON 1.1 for registration and the agent protocol for poll and report.</summary>
public sealed class HttpControlPlaneTests : IAsyncLifetime
{
    private readonly List<(string Path, string? Target, string? ContentType, string Body)> _requests = [];
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
                _requests.Add((http.Request.Path, http.Request.Headers["X-Amz-Target"].FirstOrDefault(), http.Request.ContentType, body));
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
                case "/_berth/agent/v1/report":
                    http.Response.StatusCode = 503;
                    await http.Response.WriteAsync("""{"__type":"ServerException","message":"busy"}""");
                    break;
            }
        });
        await _server.StartAsync();
        _url = new Uri(_server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    [Fact]
    public async Task RegisterContainerInstance_goes_through_the_ECS_JSON_API()
    {
        using var client = new HttpControlPlane(_url!);
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
        using var client = new HttpControlPlane(_url!);
        var error = await Assert.ThrowsAsync<ControlPlaneException>(() =>
            client.RegisterAsync(new RegisterContainerInstanceRequest { ContainerInstanceArn = "arn:unknown" }, CancellationToken.None));
        Assert.Equal(400, error.HttpStatus);
        Assert.Equal("InvalidParameterException", error.ErrorCode);
        Assert.False(error.IsRetryable);

        var busy = await Assert.ThrowsAsync<ControlPlaneException>(() => client.ReportAsync(new AgentTaskReport
        {
            ContainerInstanceArn = "arn:i",
            TaskArn = "arn:t",
            LastStatus = "RUNNING",
            Containers = [],
        }, CancellationToken.None));
        Assert.True(busy.IsRetryable);
    }

    [Fact]
    public async Task Poll_and_report_use_the_agent_protocol_endpoints()
    {
        using var client = new HttpControlPlane(_url!);
        var poll = await client.PollAsync(new AgentPollRequest { ContainerInstanceArn = "arn:i", AssignmentsVersion = 6, WaitSeconds = 1 }, CancellationToken.None);

        Assert.Equal(7, poll.AssignmentsVersion);
        Assert.Equal("arn:t", Assert.Single(poll.Tasks).Task.TaskArn);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), poll.Tasks[0].Task.CreatedAt);
        var body = JsonDocument.Parse(_requests.Single().Body).RootElement;
        Assert.Equal("arn:i", body.GetProperty("containerInstanceArn").GetString());
        Assert.Equal(6, body.GetProperty("assignmentsVersion").GetInt64());
        Assert.Equal(1, body.GetProperty("waitSeconds").GetInt32());
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
