using System.Text.Json.Nodes;

namespace Berth.Api.Tests.Ecs;

public class ClusterApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private readonly EcsClient _ecs = server.NewClient();

    private const string NoCapacityProviders = """
        "capacityProviders": [], "defaultCapacityProviderStrategy": []
        """;

    /// <summary>A cluster as the create, update and delete calls return it: whole, with no tasks or services.</summary>
    private string Cluster(string name, string status = "ACTIVE", string capacity = NoCapacityProviders) => $$"""
        {
          "clusterArn": "{{_ecs.ClusterArn(name)}}", "clusterName": "{{name}}", "status": "{{status}}",
          "registeredContainerInstancesCount": 0, "runningTasksCount": 0, "pendingTasksCount": 0, "activeServicesCount": 0,
          "statistics": [], "tags": [], "settings": [{ "name": "containerInsights", "value": "disabled" }],
          {{capacity}}, "attachments": []
        }
        """;

    private async Task<JsonNode> DescribeAsync(params string[] names) =>
        await _ecs.OkAsync("DescribeClusters", new { clusters = names });

    private async Task<string[]> ListAsync() =>
        (await _ecs.OkAsync("ListClusters", new { }))["clusterArns"]!.AsArray().Select(a => (string)a!).ToArray();

    [Fact]
    public async Task CreateCluster_returns_the_new_cluster_whole()
    {
        var response = await _ecs.OkAsync("CreateCluster", new { clusterName = "web" });

        JsonAssert.Equal($$"""{ "cluster": {{Cluster("web")}} }""", response);
    }

    [Fact]
    public async Task CreateCluster_without_a_name_creates_the_default_cluster()
    {
        var response = await _ecs.OkAsync("CreateCluster", new { });

        JsonAssert.Equal($$"""{ "cluster": {{Cluster("default")}} }""", response);
    }

    [Fact]
    public async Task CreateCluster_of_an_existing_name_returns_the_existing_cluster_unchanged()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "web", tags = new[] { new { key = "team", value = "a" } } });

        var again = await _ecs.OkAsync("CreateCluster", new { clusterName = "web", tags = new[] { new { key = "team", value = "b" } } });

        JsonAssert.Equal("""[{ "key": "team", "value": "a" }]""", again["cluster"]!["tags"]);
        Assert.Equal([_ecs.ClusterArn("web")], await ListAsync());
    }

    [Theory]
    [InlineData("bad name")]
    [InlineData("web/1")]
    [InlineData("")]
    public async Task CreateCluster_with_an_invalid_name_is_an_invalid_parameter(string name)
    {
        var error = await _ecs.ErrorAsync("CreateCluster", new { clusterName = name });

        Assert.Equal(
            ("InvalidParameterException", "Cluster name can have up to 255 characters. Valid characters are letters (uppercase and lowercase), numbers, hyphens (-), and underscores (_)."),
            error);
    }

    [Fact]
    public async Task DescribeClusters_reports_clusters_it_cannot_find_as_missing()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "web" });

        var response = await DescribeAsync("web", "nope", _ecs.ClusterArn("gone"));

        JsonAssert.Equal($$"""
            {
              "clusters": [{
                "clusterArn": "{{_ecs.ClusterArn("web")}}", "clusterName": "web", "status": "ACTIVE",
                "registeredContainerInstancesCount": 0, "runningTasksCount": 0, "pendingTasksCount": 0, "activeServicesCount": 0,
                "statistics": [], "capacityProviders": [], "defaultCapacityProviderStrategy": []
              }],
              "failures": [
                { "arn": "{{_ecs.ClusterArn("nope")}}", "reason": "MISSING" },
                { "arn": "{{_ecs.ClusterArn("gone")}}", "reason": "MISSING" }
              ]
            }
            """, response);
    }

    [Fact]
    public async Task DescribeClusters_without_clusters_describes_the_default_cluster()
    {
        var response = await _ecs.OkAsync("DescribeClusters", new { });

        JsonAssert.Equal($$"""{ "clusters": [], "failures": [{ "arn": "{{_ecs.ClusterArn("default")}}", "reason": "MISSING" }] }""", response);
    }

    [Fact]
    public async Task DescribeClusters_includes_tags_settings_and_statistics_when_asked()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "web", tags = new[] { new { key = "team", value = "a" } } });

        var response = await _ecs.OkAsync("DescribeClusters", new { clusters = new[] { "web" }, include = new[] { "TAGS", "SETTINGS", "STATISTICS" } });

        JsonAssert.Equal($$"""
            {
              "clusters": [{
                "clusterArn": "{{_ecs.ClusterArn("web")}}", "clusterName": "web", "status": "ACTIVE",
                "registeredContainerInstancesCount": 0, "runningTasksCount": 0, "pendingTasksCount": 0, "activeServicesCount": 0,
                "statistics": [
                  { "name": "runningEC2TasksCount", "value": "0" },
                  { "name": "runningFargateTasksCount", "value": "0" },
                  { "name": "pendingEC2TasksCount", "value": "0" },
                  { "name": "pendingFargateTasksCount", "value": "0" },
                  { "name": "activeEC2ServiceCount", "value": "0" },
                  { "name": "activeFargateServiceCount", "value": "0" },
                  { "name": "drainingEC2ServiceCount", "value": "0" },
                  { "name": "drainingFargateServiceCount", "value": "0" }
                ],
                "tags": [{ "key": "team", "value": "a" }],
                "settings": [{ "name": "containerInsights", "value": "disabled" }],
                "capacityProviders": [], "defaultCapacityProviderStrategy": []
              }],
              "failures": []
            }
            """, response);
    }

    [Fact]
    public async Task DescribeClusters_refuses_unknown_include_values()
    {
        var (type, _) = await _ecs.ErrorAsync("DescribeClusters", new { clusters = new[] { "web" }, include = new[] { "TASKS" } });

        Assert.Equal("InvalidParameterException", type);
    }

    [Fact]
    public async Task ListClusters_pages_through_clusters_in_name_order()
    {
        foreach (var name in new[] { "c", "a", "b" })
        {
            await _ecs.OkAsync("CreateCluster", new { clusterName = name });
        }

        var pages = new List<string[]>();
        string? token = null;
        do
        {
            var page = await _ecs.OkAsync("ListClusters", token is null ? new { maxResults = 1 } : new { maxResults = 1, nextToken = token });
            pages.Add(page["clusterArns"]!.AsArray().Select(a => (string)a!).ToArray());
            token = (string?)page["nextToken"];
        }
        while (token is not null && pages.Count < 10);

        Assert.Equal([[_ecs.ClusterArn("a")], [_ecs.ClusterArn("b")], [_ecs.ClusterArn("c")]], pages);
    }

    [Fact]
    public async Task ListClusters_without_more_results_has_no_next_token()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "a" });

        JsonAssert.Equal($$"""{ "clusterArns": ["{{_ecs.ClusterArn("a")}}"] }""", await _ecs.OkAsync("ListClusters", new { maxResults = 1 }));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    [InlineData(-1)]
    public async Task ListClusters_refuses_max_results_outside_1_to_100(int maxResults)
    {
        var error = await _ecs.ErrorAsync("ListClusters", new { maxResults });

        Assert.Equal(("InvalidParameterException", "maxResults must be between 1 and 100."), error);
    }

    [Fact]
    public async Task ListClusters_refuses_a_token_it_did_not_issue()
    {
        var (type, _) = await _ecs.ErrorAsync("ListClusters", new { nextToken = "not base64!" });

        Assert.Equal("InvalidParameterException", type);
    }

    [Fact]
    public async Task UpdateClusterSettings_changes_container_insights()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "web" });

        var response = await _ecs.OkAsync("UpdateClusterSettings", new
        {
            cluster = "web",
            settings = new[] { new { name = "containerInsights", value = "enabled" } },
        });

        JsonAssert.Equal("""[{ "name": "containerInsights", "value": "enabled" }]""", response["cluster"]!["settings"]);
        var described = await _ecs.OkAsync("DescribeClusters", new { clusters = new[] { _ecs.ClusterArn("web") }, include = new[] { "SETTINGS" } });
        JsonAssert.Equal("""[{ "name": "containerInsights", "value": "enabled" }]""", described["clusters"]![0]!["settings"]);
    }

    [Fact]
    public async Task UpdateClusterSettings_of_a_missing_cluster_is_cluster_not_found()
    {
        var (type, _) = await _ecs.ErrorAsync("UpdateClusterSettings", new
        {
            cluster = "nope",
            settings = new[] { new { name = "containerInsights", value = "enabled" } },
        });

        Assert.Equal("ClusterNotFoundException", type);
    }

    [Fact]
    public async Task UpdateClusterSettings_refuses_unknown_values()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "web" });

        var (type, _) = await _ecs.ErrorAsync("UpdateClusterSettings", new
        {
            cluster = "web",
            settings = new[] { new { name = "containerInsights", value = "maybe" } },
        });

        Assert.Equal("InvalidParameterException", type);
    }

    [Fact]
    public async Task PutClusterCapacityProviders_sets_providers_and_default_strategy()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "web" });

        var response = await _ecs.OkAsync("PutClusterCapacityProviders", new
        {
            cluster = "web",
            capacityProviders = new[] { "FARGATE", "FARGATE_SPOT" },
            defaultCapacityProviderStrategy = new object[]
            {
                new { capacityProvider = "FARGATE", weight = 1, @base = 1 },
                new { capacityProvider = "FARGATE_SPOT", weight = 3 },
            },
        });

        const string capacity = """
            "capacityProviders": ["FARGATE", "FARGATE_SPOT"],
            "defaultCapacityProviderStrategy": [
              { "capacityProvider": "FARGATE", "weight": 1, "base": 1 },
              { "capacityProvider": "FARGATE_SPOT", "weight": 3 }
            ]
            """;
        JsonAssert.Equal($$"""{ "cluster": {{Cluster("web", capacity: capacity)}} }""",
            response);
    }

    [Fact]
    public async Task PutClusterCapacityProviders_refuses_a_provider_that_does_not_exist()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "web" });

        var (type, message) = await _ecs.ErrorAsync("PutClusterCapacityProviders", new
        {
            cluster = "web",
            capacityProviders = new[] { "my-asg" },
            defaultCapacityProviderStrategy = Array.Empty<object>(),
        });

        Assert.Equal("InvalidParameterException", type);
        Assert.Contains("'my-asg' does not exist", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutClusterCapacityProviders_refuses_a_strategy_naming_a_provider_not_on_the_cluster()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "web" });

        var (type, _) = await _ecs.ErrorAsync("PutClusterCapacityProviders", new
        {
            cluster = "web",
            capacityProviders = new[] { "FARGATE" },
            defaultCapacityProviderStrategy = new[] { new { capacityProvider = "FARGATE_SPOT", weight = 1 } },
        });

        Assert.Equal("InvalidParameterException", type);
    }

    [Fact]
    public async Task DeleteCluster_leaves_an_inactive_cluster_that_is_described_but_not_listed()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "web" });

        var deleted = await _ecs.OkAsync("DeleteCluster", new { cluster = "web" });

        JsonAssert.Equal($$"""{ "cluster": {{Cluster("web", status: "INACTIVE")}} }""", deleted);
        Assert.Equal("INACTIVE", (string?)(await DescribeAsync("web"))["clusters"]![0]!["status"]);
        Assert.Empty(await ListAsync());
    }

    [Fact]
    public async Task DeleteCluster_of_a_deleted_cluster_is_cluster_not_found()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "web" });
        await _ecs.OkAsync("DeleteCluster", new { cluster = _ecs.ClusterArn("web") });

        Assert.Equal(("ClusterNotFoundException", "Cluster not found."), await _ecs.ErrorAsync("DeleteCluster", new { cluster = "web" }));
        Assert.Equal(("ClusterNotFoundException", "Cluster not found."), await _ecs.ErrorAsync("DeleteCluster", new { cluster = "never" }));
    }

    [Fact]
    public async Task Calls_without_a_member_their_model_requires_are_refused_and_leave_default_as_it_was()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "default" });

        Assert.Equal(("InvalidParameterException", "cluster can not be blank."), await _ecs.ErrorAsync("DeleteCluster", new { }));
        Assert.Equal(("InvalidParameterException", "cluster can not be blank."),
            await _ecs.ErrorAsync("UpdateClusterSettings", new { settings = new[] { new { name = "containerInsights", value = "enabled" } } }));
        Assert.Equal(("InvalidParameterException", "cluster can not be blank."), await _ecs.ErrorAsync("GetTaskProtection", new { }));
        Assert.Equal(("InvalidParameterException", "cluster can not be blank."), await _ecs.ErrorAsync("DescribeTaskSets", new { service = "web" }));
        Assert.Equal(("InvalidParameterException", "settings is required."), await _ecs.ErrorAsync("UpdateClusterSettings", new { cluster = "default" }));
        Assert.Equal(("InvalidParameterException", "serviceConnectDefaults.namespace can not be blank."),
            await _ecs.ErrorAsync("UpdateCluster", new { cluster = "default", serviceConnectDefaults = new { } }));
        Assert.Equal(("InvalidParameterException", "capacityProviders is required."),
            await _ecs.ErrorAsync("PutClusterCapacityProviders", new { cluster = "default", defaultCapacityProviderStrategy = Array.Empty<object>() }));

        var cluster = (await _ecs.OkAsync("DescribeClusters", new { clusters = new[] { "default" }, include = new[] { "SETTINGS" } }))["clusters"]![0]!;
        Assert.Equal(("ACTIVE", "disabled"), ((string?)cluster["status"], (string?)cluster["settings"]![0]!["value"]));
    }

    [Fact]
    public async Task CreateCluster_of_a_deleted_name_makes_it_active_again()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "web" });
        await _ecs.OkAsync("DeleteCluster", new { cluster = "web" });

        var created = await _ecs.OkAsync("CreateCluster", new { clusterName = "web" });

        JsonAssert.Equal($$"""{ "cluster": {{Cluster("web")}} }""", created);
        Assert.Equal("ACTIVE", (string?)(await DescribeAsync("web"))["clusters"]![0]!["status"]);
        Assert.Equal([_ecs.ClusterArn("web")], await ListAsync());
    }

    [Fact]
    public async Task ListClusters_skips_deleted_clusters_across_pages()
    {
        foreach (var name in new[] { "a", "b", "c" })
        {
            await _ecs.OkAsync("CreateCluster", new { clusterName = name });
        }
        await _ecs.OkAsync("DeleteCluster", new { cluster = "b" });

        var first = await _ecs.OkAsync("ListClusters", new { maxResults = 1 });
        var second = await _ecs.OkAsync("ListClusters", new { maxResults = 1, nextToken = (string?)first["nextToken"] });

        JsonAssert.Equal($$"""["{{_ecs.ClusterArn("a")}}"]""", first["clusterArns"]);
        JsonAssert.Equal($$"""{ "clusterArns": ["{{_ecs.ClusterArn("c")}}"] }""", second);
    }
}
