using System.Text.Json;
using System.Text.Json.Nodes;

namespace Berth.Api.Tests.Ecs;

public class TaskDefinitionApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private readonly EcsClient _ecs = server.NewClient();

    private static object Web(string family = "web", string image = "nginx:1") => new
    {
        family,
        containerDefinitions = new[] { new { name = "web", image, memory = 128, portMappings = new[] { new { containerPort = 80 } } } },
    };

    private async Task<JsonNode> RegisterAsync(string family = "web", string image = "nginx:1") =>
        (await _ecs.OkAsync("RegisterTaskDefinition", Web(family, image)))["taskDefinition"]!;

    private async Task<JsonNode> DescribeAsync(string taskDefinition) =>
        (await _ecs.OkAsync("DescribeTaskDefinition", new { taskDefinition }))["taskDefinition"]!;

    private async Task<JsonNode> ListAsync(object request) => await _ecs.OkAsync("ListTaskDefinitions", request);

    /// <summary>A JSON array of the ARNs of the given revisions, in the order given.</summary>
    private string Arns(params (string Family, int Revision)[] revisions) =>
        JsonSerializer.Serialize(revisions.Select(r => _ecs.TaskDefinitionArn(r.Family, r.Revision)));

    [Fact]
    public async Task RegisterTaskDefinition_returns_the_revision_with_ecs_defaults()
    {
        var response = await _ecs.OkAsync("RegisterTaskDefinition", Web());

        JsonAssert.TakeTimestamp(response["taskDefinition"], "registeredAt");
        JsonAssert.Equal($$"""
            {
              "taskDefinition": {
                "taskDefinitionArn": "{{_ecs.TaskDefinitionArn("web", 1)}}",
                "containerDefinitions": [{
                  "name": "web", "image": "nginx:1", "cpu": 0, "memory": 128,
                  "portMappings": [{ "containerPort": 80, "protocol": "tcp" }],
                  "essential": true, "environment": [], "mountPoints": [], "volumesFrom": [], "systemControls": []
                }],
                "family": "web", "revision": 1, "volumes": [], "status": "ACTIVE", "requiresAttributes": [],
                "placementConstraints": [], "compatibilities": ["EXTERNAL", "EC2"],
                "registeredBy": "arn:aws:iam::000000000000:root"
              }
            }
            """, response);
    }

    [Fact]
    public async Task RegisterTaskDefinition_normalizes_a_fargate_definition()
    {
        var response = await _ecs.OkAsync("RegisterTaskDefinition", new
        {
            family = "api",
            networkMode = "awsvpc",
            requiresCompatibilities = new[] { "FARGATE" },
            cpu = "0.25 vCPU",
            memory = "0.5GB",
            containerDefinitions = new[] { new { name = "api", image = "api:1", portMappings = new[] { new { containerPort = 8080 } } } },
            tags = new[] { new { key = "team", value = "a" } },
        });

        JsonAssert.TakeTimestamp(response["taskDefinition"], "registeredAt");
        JsonAssert.Equal($$"""
            {
              "taskDefinition": {
                "taskDefinitionArn": "{{_ecs.TaskDefinitionArn("api", 1)}}",
                "containerDefinitions": [{
                  "name": "api", "image": "api:1", "cpu": 0,
                  "portMappings": [{ "containerPort": 8080, "hostPort": 8080, "protocol": "tcp" }],
                  "essential": true, "environment": [], "mountPoints": [], "volumesFrom": [], "systemControls": []
                }],
                "family": "api", "networkMode": "awsvpc", "revision": 1, "volumes": [], "status": "ACTIVE",
                "requiresAttributes": [{ "name": "ecs.capability.task-eni" }],
                "placementConstraints": [], "compatibilities": ["EC2", "FARGATE"], "requiresCompatibilities": ["FARGATE"],
                "cpu": "256", "memory": "512",
                "registeredBy": "arn:aws:iam::000000000000:root"
              },
              "tags": [{ "key": "team", "value": "a" }]
            }
            """, response);
    }

    [Fact]
    public async Task RegisterTaskDefinition_refuses_an_invalid_definition_with_a_client_exception()
    {
        var error = await _ecs.ErrorAsync("RegisterTaskDefinition", new { family = "web", containerDefinitions = Array.Empty<object>() });

        Assert.Equal(("ClientException", "Container list cannot be empty."), error);
    }

    [Fact]
    public async Task RegisterTaskDefinition_refuses_a_task_size_too_large_for_any_host()
    {
        var error = await _ecs.ErrorAsync("RegisterTaskDefinition", new
        {
            family = "web",
            networkMode = "awsvpc",
            requiresCompatibilities = new[] { "FARGATE" },
            cpu = "99999999999999999999",
            memory = "512",
            containerDefinitions = new[] { new { name = "web", image = "nginx" } },
        });

        Assert.Equal(("ClientException", "Invalid 'cpu' setting for task: '99999999999999999999'."), error);
    }

    [Fact]
    public async Task Revisions_count_up_per_family()
    {
        var revisions = new List<(string?, int?)>();
        foreach (var family in new[] { "web", "web", "worker", "web", "worker" })
        {
            var definition = await RegisterAsync(family);
            revisions.Add(((string?)definition["family"], (int?)definition["revision"]));
        }

        Assert.Equal([("web", 1), ("web", 2), ("worker", 1), ("web", 3), ("worker", 2)], revisions);
    }

    [Fact]
    public async Task DescribeTaskDefinition_finds_a_revision_by_family_by_family_and_revision_and_by_arn()
    {
        await RegisterAsync(image: "nginx:1");
        await RegisterAsync(image: "nginx:2");
        await RegisterAsync(image: "nginx:3");

        Assert.Equal(_ecs.TaskDefinitionArn("web", 3), (string?)(await DescribeAsync("web"))["taskDefinitionArn"]);
        Assert.Equal("nginx:2", (string?)(await DescribeAsync("web:2"))["containerDefinitions"]![0]!["image"]);
        Assert.Equal("nginx:1", (string?)(await DescribeAsync(_ecs.TaskDefinitionArn("web", 1)))["containerDefinitions"]![0]!["image"]);
    }

    [Theory]
    [InlineData("nope")]
    [InlineData("web:9")]
    [InlineData("web:0")]
    [InlineData("bad name")]
    public async Task DescribeTaskDefinition_of_an_unknown_definition_is_a_client_exception(string taskDefinition)
    {
        await RegisterAsync();

        Assert.Equal(("ClientException", "Unable to describe task definition."), await _ecs.ErrorAsync("DescribeTaskDefinition", new { taskDefinition }));
    }

    [Fact]
    public async Task DescribeTaskDefinition_shows_tags_only_when_asked()
    {
        await _ecs.OkAsync("RegisterTaskDefinition", new
        {
            family = "web",
            containerDefinitions = new[] { new { name = "web", image = "nginx", memory = 64 } },
            tags = new[] { new { key = "team", value = "a" } },
        });

        var plain = await _ecs.OkAsync("DescribeTaskDefinition", new { taskDefinition = "web" });
        var tagged = await _ecs.OkAsync("DescribeTaskDefinition", new { taskDefinition = "web:1", include = new[] { "TAGS" } });

        Assert.Equal(["taskDefinition"], plain.AsObject().Select(p => p.Key));
        JsonAssert.Equal("""[{ "key": "team", "value": "a" }]""", tagged["tags"]);
    }

    [Fact]
    public async Task Deregistering_the_newest_revision_makes_the_family_resolve_to_the_previous_one()
    {
        await RegisterAsync();
        await RegisterAsync();

        var deregistered = (await _ecs.OkAsync("DeregisterTaskDefinition", new { taskDefinition = "web:2" }))["taskDefinition"]!;

        Assert.Equal("INACTIVE", (string?)deregistered["status"]);
        var deregisteredAt = JsonAssert.TakeTimestamp(deregistered, "deregisteredAt");
        Assert.True(deregisteredAt >= JsonAssert.TakeTimestamp(deregistered, "registeredAt"));
        Assert.Equal(_ecs.TaskDefinitionArn("web", 1), (string?)(await DescribeAsync("web"))["taskDefinitionArn"]);
        Assert.Equal("INACTIVE", (string?)(await DescribeAsync("web:2"))["status"]);
    }

    [Fact]
    public async Task A_family_without_active_revisions_cannot_be_described_by_name()
    {
        await RegisterAsync();
        await _ecs.OkAsync("DeregisterTaskDefinition", new { taskDefinition = _ecs.TaskDefinitionArn("web", 1) });

        Assert.Equal("ClientException", (await _ecs.ErrorAsync("DescribeTaskDefinition", new { taskDefinition = "web" })).Type);
    }

    [Fact]
    public async Task DeregisterTaskDefinition_needs_a_revision()
    {
        await RegisterAsync();

        Assert.Equal("ClientException", (await _ecs.ErrorAsync("DeregisterTaskDefinition", new { taskDefinition = "web" })).Type);
    }

    [Fact]
    public async Task DeregisterTaskDefinition_of_an_inactive_revision_changes_nothing()
    {
        await RegisterAsync();
        var first = (await _ecs.OkAsync("DeregisterTaskDefinition", new { taskDefinition = "web:1" }))["taskDefinition"];

        var second = (await _ecs.OkAsync("DeregisterTaskDefinition", new { taskDefinition = "web:1" }))["taskDefinition"];

        JsonAssert.Equal(first!.ToJsonString(), second);
    }

    [Fact]
    public async Task ListTaskDefinitions_lists_active_revisions_by_family_then_revision()
    {
        await RegisterAsync("web");
        await RegisterAsync("web-api");
        await RegisterAsync("web");
        await RegisterAsync("api");
        await _ecs.OkAsync("DeregisterTaskDefinition", new { taskDefinition = "web:1" });

        JsonAssert.Equal(
            $$"""{ "taskDefinitionArns": {{Arns(("api", 1), ("web", 2), ("web-api", 1))}} }""",
            await ListAsync(new { }));
        JsonAssert.Equal($$"""{ "taskDefinitionArns": {{Arns(("web", 1))}} }""", await ListAsync(new { status = "INACTIVE" }));
    }

    [Fact]
    public async Task ListTaskDefinitions_family_prefix_is_one_whole_family()
    {
        await RegisterAsync("web");
        await RegisterAsync("web-api");
        await RegisterAsync("web");
        await RegisterAsync("we");

        JsonAssert.Equal($$"""{ "taskDefinitionArns": {{Arns(("web", 1), ("web", 2))}} }""", await ListAsync(new { familyPrefix = "web" }));
        JsonAssert.Equal($$"""{ "taskDefinitionArns": {{Arns(("web", 2), ("web", 1))}} }""", await ListAsync(new { familyPrefix = "web", sort = "DESC" }));
        JsonAssert.Equal("""{ "taskDefinitionArns": [] }""", await ListAsync(new { familyPrefix = "w" }));
    }

    [Fact]
    public async Task ListTaskDefinitions_pages_in_either_order()
    {
        for (var i = 0; i < 5; i++)
        {
            await RegisterAsync();
        }

        Assert.Equal([[1, 2], [3, 4], [5]], await PagesAsync("ASC"));
        Assert.Equal([[5, 4], [3, 2], [1]], await PagesAsync("DESC"));

        async Task<List<int[]>> PagesAsync(string sort)
        {
            var pages = new List<int[]>();
            string? token = null;
            do
            {
                var page = await ListAsync(new { familyPrefix = "web", sort, maxResults = 2, nextToken = token });
                pages.Add(page["taskDefinitionArns"]!.AsArray().Select(a => int.Parse(((string)a!).Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture)).ToArray());
                token = (string?)page["nextToken"];
            }
            while (token is not null && pages.Count < 10);
            return pages;
        }
    }

    [Fact]
    public async Task ListTaskDefinitions_refuses_unknown_status_and_sort()
    {
        Assert.Equal("InvalidParameterException", (await _ecs.ErrorAsync("ListTaskDefinitions", new { status = "GONE" })).Type);
        Assert.Equal("InvalidParameterException", (await _ecs.ErrorAsync("ListTaskDefinitions", new { sort = "desc" })).Type);
    }

    [Fact]
    public async Task ListTaskDefinitionFamilies_filters_by_prefix_and_status()
    {
        await RegisterAsync("web");
        await RegisterAsync("web-api");
        await RegisterAsync("worker");
        await RegisterAsync("api");
        await _ecs.OkAsync("DeregisterTaskDefinition", new { taskDefinition = "web-api:1" });

        JsonAssert.Equal("""{ "families": ["api", "web", "web-api", "worker"] }""", await _ecs.OkAsync("ListTaskDefinitionFamilies", new { }));
        JsonAssert.Equal("""{ "families": ["web", "web-api"] }""", await _ecs.OkAsync("ListTaskDefinitionFamilies", new { familyPrefix = "web" }));
        JsonAssert.Equal("""{ "families": ["web", "worker"] }""", await _ecs.OkAsync("ListTaskDefinitionFamilies", new { familyPrefix = "w", status = "ACTIVE" }));
        JsonAssert.Equal("""{ "families": ["web-api"] }""", await _ecs.OkAsync("ListTaskDefinitionFamilies", new { status = "INACTIVE" }));
        JsonAssert.Equal("""{ "families": ["api", "web", "web-api", "worker"] }""", await _ecs.OkAsync("ListTaskDefinitionFamilies", new { status = "ALL" }));
    }

    [Fact]
    public async Task ListTaskDefinitionFamilies_pages()
    {
        foreach (var family in new[] { "c", "a", "b" })
        {
            await RegisterAsync(family);
        }

        var first = await _ecs.OkAsync("ListTaskDefinitionFamilies", new { maxResults = 2 });
        var second = await _ecs.OkAsync("ListTaskDefinitionFamilies", new { maxResults = 2, nextToken = (string?)first["nextToken"] });

        JsonAssert.Equal("""["a", "b"]""", first["families"]);
        JsonAssert.Equal("""{ "families": ["c"] }""", second);
    }

    [Fact]
    public async Task DeleteTaskDefinitions_deletes_inactive_revisions_and_reports_active_ones_as_failures()
    {
        await RegisterAsync();
        await RegisterAsync();
        await _ecs.OkAsync("DeregisterTaskDefinition", new { taskDefinition = "web:1" });

        var response = await _ecs.OkAsync("DeleteTaskDefinitions", new { taskDefinitions = new[] { "web:1", _ecs.TaskDefinitionArn("web", 2) } });

        var deleted = Assert.Single(response["taskDefinitions"]!.AsArray());
        Assert.Equal((_ecs.TaskDefinitionArn("web", 1), "DELETE_IN_PROGRESS"), ((string?)deleted!["taskDefinitionArn"], (string?)deleted["status"]));
        JsonAssert.TakeTimestamp(deleted, "deleteRequestedAt");
        JsonAssert.Equal($$"""
            [{
              "arn": "{{_ecs.TaskDefinitionArn("web", 2)}}",
              "reason": "The specified task definition is still in ACTIVE status. Please deregister the target and try again."
            }]
            """, response["failures"]);
        JsonAssert.Equal($$"""{ "taskDefinitionArns": {{Arns(("web", 1))}} }""", await ListAsync(new { status = "DELETE_IN_PROGRESS" }));
        JsonAssert.Equal("""{ "taskDefinitionArns": [] }""", await ListAsync(new { status = "INACTIVE" }));
    }

    [Fact]
    public async Task DeleteTaskDefinitions_reports_missing_revisions_as_failures()
    {
        var response = await _ecs.OkAsync("DeleteTaskDefinitions", new { taskDefinitions = new[] { "web:7" } });

        JsonAssert.Equal($$"""
            { "taskDefinitions": [], "failures": [{ "arn": "{{_ecs.TaskDefinitionArn("web", 7)}}", "reason": "The specified task definition does not exist." }] }
            """, response);
    }

    [Fact]
    public async Task Parallel_registrations_of_one_family_get_distinct_consecutive_revisions()
    {
        var definitions = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => RegisterAsync("busy")));

        Assert.Equal(Enumerable.Range(1, 20), definitions.Select(d => (int)d["revision"]!).Order());
        JsonAssert.Equal($$"""{ "taskDefinitionArns": {{Arns([.. Enumerable.Range(1, 20).Select(r => ("busy", r))])}} }""", await ListAsync(new { familyPrefix = "busy" }));
    }
}
