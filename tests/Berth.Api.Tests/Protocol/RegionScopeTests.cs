namespace Berth.Api.Tests.Protocol;

/// <summary>The SigV4 credential scope picks the region; ECS resources never cross regions.</summary>
public class RegionScopeTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    [Fact]
    public async Task A_cluster_lives_in_the_region_its_request_was_signed_for()
    {
        var ireland = server.Client("eu-west-1");
        var virginia = server.Client("us-east-1");

        var created = await ireland.OkAsync("CreateCluster", new { clusterName = "regional" });

        Assert.Equal("arn:aws:ecs:eu-west-1:000000000000:cluster/regional", (string?)created["cluster"]!["clusterArn"]);
        Assert.Contains("arn:aws:ecs:eu-west-1:000000000000:cluster/regional", (await ireland.OkAsync("ListClusters", new { }))["clusterArns"]!.AsArray().Select(a => (string?)a));
        Assert.DoesNotContain("regional", (await virginia.OkAsync("ListClusters", new { }))["clusterArns"]!.ToJsonString(), StringComparison.Ordinal);
        JsonAssert.Equal(
            """{ "clusters": [], "failures": [{ "arn": "arn:aws:ecs:us-east-1:000000000000:cluster/regional", "reason": "MISSING" }] }""",
            await virginia.OkAsync("DescribeClusters", new { clusters = new[] { "regional" } }));
    }

    [Fact]
    public async Task Requests_without_a_credential_scope_use_the_default_region()
    {
        var unsigned = server.Client(null);

        var created = await unsigned.OkAsync("CreateCluster", new { clusterName = "unsigned" });

        Assert.Equal("arn:aws:ecs:us-east-1:000000000000:cluster/unsigned", (string?)created["cluster"]!["clusterArn"]);
        Assert.Contains(
            "arn:aws:ecs:us-east-1:000000000000:cluster/unsigned",
            (await server.Client("us-east-1").OkAsync("ListClusters", new { }))["clusterArns"]!.AsArray().Select(a => (string?)a));
    }

    [Fact]
    public async Task Task_definition_revisions_count_per_region()
    {
        var ireland = server.Client("eu-west-1");
        var beijing = server.Client("cn-north-1");
        object request = new { family = "regional", containerDefinitions = new[] { new { name = "web", image = "nginx", memory = 64 } } };

        await ireland.OkAsync("RegisterTaskDefinition", request);
        var second = await ireland.OkAsync("RegisterTaskDefinition", request);
        var first = await beijing.OkAsync("RegisterTaskDefinition", request);

        Assert.Equal("arn:aws:ecs:eu-west-1:000000000000:task-definition/regional:2", (string?)second["taskDefinition"]!["taskDefinitionArn"]);
        Assert.Equal("arn:aws-cn:ecs:cn-north-1:000000000000:task-definition/regional:1", (string?)first["taskDefinition"]!["taskDefinitionArn"]);
        Assert.Equal("arn:aws-cn:iam::000000000000:root", (string?)first["taskDefinition"]!["registeredBy"]);
    }
}
