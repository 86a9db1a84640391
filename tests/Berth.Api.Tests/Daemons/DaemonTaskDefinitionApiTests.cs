using System.Text.Json.Nodes;

namespace Berth.Api.Tests.Daemons;

public sealed class DaemonTaskDefinitionApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private readonly EcsClient _ecs = server.NewClient();

    private Task<JsonNode> RegisterAsync(string family, string image = "berth/sample-tools") => _ecs.OkAsync("RegisterDaemonTaskDefinition", new
    {
        family,
        cpu = "0.25 vcpu",
        containerDefinitions = new[] { new { name = "agent", image, memory = 32 } },
        tags = new[] { new { key = "team", value = "ops" } },
    });

    [Fact]
    public async Task Revisions_of_a_family_are_numbered_and_the_family_describes_the_newest()
    {
        var first = await RegisterAsync("dtd-count");
        var second = await RegisterAsync("dtd-count", "berth/sample-web");

        Assert.Equal($"{_ecs.ArnPrefix}:daemon-task-definition/dtd-count:1", (string)first["daemonTaskDefinitionArn"]!);
        Assert.Equal($"{_ecs.ArnPrefix}:daemon-task-definition/dtd-count:2", (string)second["daemonTaskDefinitionArn"]!);
        var described = (await _ecs.OkAsync("DescribeDaemonTaskDefinition", new { daemonTaskDefinition = "dtd-count" }))["daemonTaskDefinition"]!;
        Assert.Equal(2, (int)described["revision"]!);
        Assert.Equal(("256", "ACTIVE", "berth/sample-web"), ((string)described["cpu"]!, (string)described["status"]!,
            (string)described["containerDefinitions"]![0]!["image"]!));
        Assert.Equal("arn:aws:iam::000000000000:root", (string)described["registeredBy"]!);
    }

    [Fact]
    public async Task List_filters_by_family_revision_and_status_and_pages()
    {
        await RegisterAsync("dtd-list-a");
        await RegisterAsync("dtd-list-a");
        await RegisterAsync("dtd-list-b");
        await _ecs.OkAsync("DeleteDaemonTaskDefinition", new { daemonTaskDefinition = "dtd-list-a:1" });

        async Task<string[]> Arns(object request) =>
            [.. (await _ecs.OkAsync("ListDaemonTaskDefinitions", request))["daemonTaskDefinitions"]!.AsArray().Select(d => ((string)d!["arn"]!).Split('/')[1])];

        Assert.Equal(["dtd-list-a:2", "dtd-list-b:1"], await Arns(new { familyPrefix = "dtd-list" }));
        Assert.Equal(["dtd-list-a:1"], await Arns(new { familyPrefix = "dtd-list", status = "DELETE_IN_PROGRESS" }));
        Assert.Equal(["dtd-list-a:2"], await Arns(new { family = "dtd-list-a", status = "ALL", revision = "LAST_REGISTERED" }));
        Assert.Equal(["dtd-list-b:1", "dtd-list-a:2", "dtd-list-a:1"], await Arns(new { familyPrefix = "dtd-list", status = "ALL", sort = "DESC" }));
        var page = await _ecs.OkAsync("ListDaemonTaskDefinitions", new { familyPrefix = "dtd-list", maxResults = 1 });
        var next = await _ecs.OkAsync("ListDaemonTaskDefinitions", new { familyPrefix = "dtd-list", maxResults = 1, nextToken = (string)page["nextToken"]! });
        Assert.EndsWith("dtd-list-b:1", (string)next["daemonTaskDefinitions"]![0]!["arn"]!);
        Assert.Null(next["nextToken"]);
    }

    [Fact]
    public async Task Delete_moves_an_active_revision_to_delete_in_progress_once()
    {
        await RegisterAsync("dtd-delete");

        var deleted = await _ecs.OkAsync("DeleteDaemonTaskDefinition", new { daemonTaskDefinition = "dtd-delete:1" });

        Assert.Equal($"{_ecs.ArnPrefix}:daemon-task-definition/dtd-delete:1", (string)deleted["daemonTaskDefinitionArn"]!);
        var described = (await _ecs.OkAsync("DescribeDaemonTaskDefinition", new { daemonTaskDefinition = "dtd-delete:1" }))["daemonTaskDefinition"]!;
        Assert.Equal("DELETE_IN_PROGRESS", (string)described["status"]!);
        Assert.NotNull(described["deleteRequestedAt"]);
        Assert.Equal(("ClientException", "The specified daemon task definition is not in ACTIVE status."),
            await _ecs.ErrorAsync("DeleteDaemonTaskDefinition", new { daemonTaskDefinition = "dtd-delete:1" }));
        Assert.Equal(("ClientException", "Unable to describe daemon task definition."),
            await _ecs.ErrorAsync("DescribeDaemonTaskDefinition", new { daemonTaskDefinition = "dtd-delete" }));
    }

    [Fact]
    public async Task Refusals_use_the_task_definition_rules_and_ecs_errors()
    {
        Assert.Equal(("ClientException", "Container list cannot be empty."),
            await _ecs.ErrorAsync("RegisterDaemonTaskDefinition", new { family = "dtd-empty", containerDefinitions = Array.Empty<object>() }));
        Assert.Equal("InvalidParameterException",
            (await _ecs.ErrorAsync("RegisterDaemonTaskDefinition", new { family = "bad family", containerDefinitions = new[] { new { name = "a", image = "x", memory = 8 } } })).Type);
        Assert.Equal("ClientException", (await _ecs.ErrorAsync("DeleteDaemonTaskDefinition", new { daemonTaskDefinition = "dtd-none" })).Type);
        Assert.Equal(("ClientException", "The specified daemon task definition does not exist."),
            await _ecs.ErrorAsync("DeleteDaemonTaskDefinition", new { daemonTaskDefinition = "dtd-none:1" }));
        Assert.Equal("InvalidParameterException", (await _ecs.ErrorAsync("ListDaemonTaskDefinitions", new { status = "INACTIVE" })).Type);
    }
}
