using System.Text.Json.Nodes;

namespace Berth.Api.Tests.Ecs;

public class TagApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private readonly EcsClient _ecs = server.NewClient();

    private static object[] Tags(params (string Key, string Value)[] tags) =>
        tags.Select(t => (object)new { key = t.Key, value = t.Value }).ToArray();

    private async Task<JsonNode> ListTagsAsync(string resourceArn) =>
        await _ecs.OkAsync("ListTagsForResource", new { resourceArn });

    private async Task<string> ClusterAsync()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "web", tags = Tags(("team", "a")) });
        return _ecs.ClusterArn("web");
    }

    private async Task<string> TaskDefinitionAsync()
    {
        await _ecs.OkAsync("RegisterTaskDefinition", new
        {
            family = "web",
            containerDefinitions = new[] { new { name = "web", image = "nginx", memory = 64 } },
            tags = Tags(("team", "a")),
        });
        return _ecs.TaskDefinitionArn("web", 1);
    }

    [Fact]
    public async Task Cluster_tags_are_added_overwritten_listed_and_removed()
    {
        var arn = await ClusterAsync();

        JsonAssert.Equal("{}", await _ecs.OkAsync("TagResource", new { resourceArn = arn, tags = Tags(("team", "b"), ("env", "prod"), ("cost", "1")) }));
        JsonAssert.Equal("""{ "tags": [{ "key": "team", "value": "b" }, { "key": "env", "value": "prod" }, { "key": "cost", "value": "1" }] }""", await ListTagsAsync(arn));

        JsonAssert.Equal("{}", await _ecs.OkAsync("UntagResource", new { resourceArn = arn, tagKeys = new[] { "team", "cost", "absent" } }));
        JsonAssert.Equal("""{ "tags": [{ "key": "env", "value": "prod" }] }""", await ListTagsAsync(arn));

        var described = await _ecs.OkAsync("DescribeClusters", new { clusters = new[] { arn }, include = new[] { "TAGS" } });
        JsonAssert.Equal("""[{ "key": "env", "value": "prod" }]""", described["clusters"]![0]!["tags"]);
    }

    [Fact]
    public async Task Task_definition_tags_are_added_listed_described_and_removed()
    {
        var arn = await TaskDefinitionAsync();

        await _ecs.OkAsync("TagResource", new { resourceArn = arn, tags = Tags(("env", "prod")) });

        JsonAssert.Equal("""{ "tags": [{ "key": "team", "value": "a" }, { "key": "env", "value": "prod" }] }""", await ListTagsAsync(arn));
        var described = await _ecs.OkAsync("DescribeTaskDefinition", new { taskDefinition = "web:1", include = new[] { "TAGS" } });
        JsonAssert.Equal("""[{ "key": "team", "value": "a" }, { "key": "env", "value": "prod" }]""", described["tags"]);

        await _ecs.OkAsync("UntagResource", new { resourceArn = arn, tagKeys = new[] { "team", "env" } });
        JsonAssert.Equal("""{ "tags": [] }""", await ListTagsAsync(arn));
    }

    [Fact]
    public async Task Tags_of_a_missing_cluster_are_cluster_not_found()
    {
        Assert.Equal("ClusterNotFoundException", (await _ecs.ErrorAsync("ListTagsForResource", new { resourceArn = _ecs.ClusterArn("nope") })).Type);
        Assert.Equal("ClusterNotFoundException", (await _ecs.ErrorAsync("TagResource", new { resourceArn = _ecs.ClusterArn("nope"), tags = Tags(("a", "b")) })).Type);
    }

    [Fact]
    public async Task A_missing_resource_is_resource_not_found_to_tag_and_an_invalid_parameter_to_list_as_the_model_lists()
    {
        var missing = _ecs.TaskDefinitionArn("nope", 1);

        Assert.Equal("ResourceNotFoundException", (await _ecs.ErrorAsync("TagResource", new { resourceArn = missing, tags = Tags(("a", "b")) })).Type);
        Assert.Equal(("InvalidParameterException", "The specified task definition could not be found."),
            await _ecs.ErrorAsync("ListTagsForResource", new { resourceArn = missing }));
        Assert.Equal(("InvalidParameterException", "The specified service could not be found."),
            await _ecs.ErrorAsync("ListTagsForResource", new { resourceArn = $"{_ecs.ArnPrefix}:service/default/nope" }));
    }

    [Theory]
    [InlineData("web")]
    [InlineData("arn:aws:s3:::bucket")]
    public async Task Tagging_something_that_is_not_an_ecs_arn_is_an_invalid_parameter(string resourceArn)
    {
        var error = await _ecs.ErrorAsync("TagResource", new { resourceArn, tags = Tags(("a", "b")) });

        Assert.Equal(("InvalidParameterException", $"The ARN '{resourceArn}' is not a valid ECS resource ARN."), error);
    }

    [Fact]
    public async Task Tag_rules_are_enforced_and_a_refused_change_changes_nothing()
    {
        var arn = await ClusterAsync();
        var fifty = Enumerable.Range(0, 50).Select(i => ($"k{i}", "v")).ToArray();

        Assert.Equal("InvalidParameterException", (await _ecs.ErrorAsync("TagResource", new { resourceArn = arn, tags = Tags(("aws:owner", "me")) })).Type);
        Assert.Equal("InvalidParameterException", (await _ecs.ErrorAsync("TagResource", new { resourceArn = arn, tags = Tags(fifty) })).Type);
        Assert.Equal("InvalidParameterException", (await _ecs.ErrorAsync("TagResource", new { resourceArn = arn, tags = Array.Empty<object>() })).Type);
        Assert.Equal("InvalidParameterException", (await _ecs.ErrorAsync("UntagResource", new { resourceArn = arn, tagKeys = Array.Empty<string>() })).Type);

        JsonAssert.Equal("""{ "tags": [{ "key": "team", "value": "a" }] }""", await ListTagsAsync(arn));
    }

    [Fact]
    public async Task Task_tags_come_from_RunTask_and_the_task_definition_and_are_changed_listed_and_described_with_include_TAGS()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "tagged-tasks" });
        await ClusterCapacity.RegisterInstanceAsync(_ecs, "tagged-tasks", "i-tagged-tasks");
        await TaskDefinitionAsync();
        var run = await _ecs.OkAsync("RunTask", new
        {
            cluster = "tagged-tasks",
            taskDefinition = "web",
            tags = Tags(("env", "test")),
            propagateTags = "TASK_DEFINITION",
            enableECSManagedTags = true,
        });
        var arn = (string)run["tasks"]![0]!["taskArn"]!;

        JsonAssert.Equal("""{ "tags": [{ "key": "env", "value": "test" }, { "key": "team", "value": "a" }, { "key": "aws:ecs:clusterName", "value": "tagged-tasks" }] }""",
            await ListTagsAsync(arn));
        await _ecs.OkAsync("TagResource", new { resourceArn = arn, tags = Tags(("env", "prod"), ("cost", "1")) });
        await _ecs.OkAsync("UntagResource", new { resourceArn = arn, tagKeys = new[] { "team" } });

        var expected = """[{ "key": "env", "value": "prod" }, { "key": "aws:ecs:clusterName", "value": "tagged-tasks" }, { "key": "cost", "value": "1" }]""";
        JsonAssert.Equal($$"""{ "tags": {{expected}} }""", await ListTagsAsync(arn));
        var plain = await _ecs.OkAsync("DescribeTasks", new { cluster = "tagged-tasks", tasks = new[] { arn } });
        Assert.Null(plain["tasks"]![0]!["tags"]);
        var described = await _ecs.OkAsync("DescribeTasks", new { cluster = "tagged-tasks", tasks = new[] { arn }, include = new[] { "TAGS" } });
        JsonAssert.Equal(expected, described["tasks"]![0]!["tags"]);
    }

    [Fact]
    public async Task A_service_propagates_its_tags_and_its_name_to_the_tasks_it_starts()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "tagged-service" });
        await ClusterCapacity.RegisterInstanceAsync(_ecs, "tagged-service", "i-tagged-service");
        await TaskDefinitionAsync();
        await _ecs.OkAsync("CreateService", new
        {
            cluster = "tagged-service",
            serviceName = "api",
            taskDefinition = "web",
            desiredCount = 1,
            tags = Tags(("tier", "api")),
            propagateTags = "SERVICE",
            enableECSManagedTags = true,
        });

        var arns = await Eventually.ReadAsync(
            async () => (await _ecs.OkAsync("ListTasks", new { cluster = "tagged-service", serviceName = "api" }))["taskArns"]!.AsArray(),
            a => a.Count == 1);

        JsonAssert.Equal(
            """{ "tags": [{ "key": "tier", "value": "api" }, { "key": "aws:ecs:clusterName", "value": "tagged-service" }, { "key": "aws:ecs:serviceName", "value": "api" }] }""",
            await ListTagsAsync((string)Assert.Single(arns)!));
    }

    [Fact]
    public async Task The_tags_ECS_manages_cannot_be_removed()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "managed-tags" });
        await ClusterCapacity.RegisterInstanceAsync(_ecs, "managed-tags", "i-managed-tags");
        await TaskDefinitionAsync();
        var run = await _ecs.OkAsync("RunTask", new { cluster = "managed-tags", taskDefinition = "web", enableECSManagedTags = true });
        var arn = (string)run["tasks"]![0]!["taskArn"]!;

        var error = await _ecs.ErrorAsync("UntagResource", new { resourceArn = arn, tagKeys = new[] { "aws:ecs:clusterName" } });

        Assert.Equal(("InvalidParameterException", "Tag keys may not begin with the reserved prefix 'aws:'."), error);
        JsonAssert.Equal("""{ "tags": [{ "key": "aws:ecs:clusterName", "value": "managed-tags" }] }""", await ListTagsAsync(arn));
    }

    [Fact]
    public async Task Container_instance_tags_come_from_registration_and_are_changed_listed_and_described_with_include_TAGS()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "tagged-instances" });
        var arn = await ClusterCapacity.RegisterInstanceAsync(_ecs, "tagged-instances", "i-tagged", tags: Tags(("rack", "r1")));

        await _ecs.OkAsync("TagResource", new { resourceArn = arn, tags = Tags(("env", "prod")) });
        await _ecs.OkAsync("UntagResource", new { resourceArn = arn, tagKeys = new[] { "rack" } });

        JsonAssert.Equal("""{ "tags": [{ "key": "env", "value": "prod" }] }""", await ListTagsAsync(arn));
        var plain = await _ecs.OkAsync("DescribeContainerInstances", new { cluster = "tagged-instances", containerInstances = new[] { arn } });
        Assert.Null(plain["containerInstances"]![0]!["tags"]);
        var described = await _ecs.OkAsync("DescribeContainerInstances", new { cluster = "tagged-instances", containerInstances = new[] { arn }, include = new[] { "TAGS" } });
        JsonAssert.Equal("""[{ "key": "env", "value": "prod" }]""", described["containerInstances"]![0]!["tags"]);
    }

    [Theory]
    [InlineData("task/default/0123456789abcdef0123456789abcdef", "task")]
    [InlineData("container-instance/default/0123456789abcdef0123456789abcdef", "container instance")]
    [InlineData("container-instance/~fargate/0123456789abcdef0123456789abcdef", "container instance")]
    public async Task A_missing_task_or_container_instance_is_resource_not_found_to_tag_and_an_invalid_parameter_to_list(string resource, string kind)
    {
        var missing = $"{_ecs.ArnPrefix}:{resource}";
        var message = $"The specified {kind} could not be found.";

        Assert.Equal(("ResourceNotFoundException", message), await _ecs.ErrorAsync("TagResource", new { resourceArn = missing, tags = Tags(("a", "b")) }));
        Assert.Equal(("ResourceNotFoundException", message), await _ecs.ErrorAsync("UntagResource", new { resourceArn = missing, tagKeys = new[] { "a" } }));
        Assert.Equal(("InvalidParameterException", message), await _ecs.ErrorAsync("ListTagsForResource", new { resourceArn = missing }));
    }
}
