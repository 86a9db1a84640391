using System.Text.Json.Nodes;

namespace Berth.Api.Tests.Capacity;

/// <summary>CreateCapacityProvider, DescribeCapacityProviders, UpdateCapacityProvider and DeleteCapacityProvider over HTTP.</summary>
public sealed class CapacityProviderApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private readonly EcsClient _ecs = server.NewClient();

    private static object Group(string group, object? scaling = null, string? termination = null) =>
        new { autoScalingGroupArn = group, managedScaling = scaling, managedTerminationProtection = termination };

    private Task<JsonNode> CreateAsync(string name, string group, object[]? tags = null) =>
        _ecs.OkAsync("CreateCapacityProvider", new { name, autoScalingGroupProvider = Group(group), tags = tags ?? [] });

    private async Task<JsonNode> DescribeOneAsync(string name, bool withTags = false) =>
        (await _ecs.OkAsync("DescribeCapacityProviders", new { capacityProviders = new[] { name }, include = withTags ? new[] { "TAGS" } : null }))
            ["capacityProviders"]![0]!;

    [Fact]
    public async Task A_created_provider_is_described_with_the_settings_ecs_reports()
    {
        var created = await CreateAsync("web-asg", "web-group", [new { key = "team", value = "web" }]);

        var expected = $$"""
            {
              "capacityProviderArn": "{{_ecs.ArnPrefix}}:capacity-provider/web-asg",
              "name": "web-asg",
              "status": "ACTIVE",
              "type": "EC2_AUTOSCALING",
              "autoScalingGroupProvider": {
                "autoScalingGroupArn": "web-group",
                "managedScaling": { "status": "DISABLED", "targetCapacity": 100, "minimumScalingStepSize": 1, "maximumScalingStepSize": 10000, "instanceWarmupPeriod": 300 },
                "managedTerminationProtection": "DISABLED",
                "managedDraining": "ENABLED"
              },
              "tags": [{ "key": "team", "value": "web" }]
            }
            """;
        JsonAssert.Equal(expected, created["capacityProvider"]);
        JsonAssert.Equal(expected, await DescribeOneAsync($"{_ecs.ArnPrefix}:capacity-provider/web-asg", withTags: true));
        Assert.False((await DescribeOneAsync("web-asg")).AsObject().ContainsKey("tags"));
    }

    [Fact]
    public async Task Describe_reports_missing_providers_as_failures_and_the_fargate_ones_as_ecs_has_them()
    {
        var response = await _ecs.OkAsync("DescribeCapacityProviders", new { capacityProviders = new[] { "FARGATE", "nothing-here" } });

        JsonAssert.Equal($$"""
            {
              "capacityProviders": [{ "capacityProviderArn": "{{_ecs.ArnPrefix}}:capacity-provider/FARGATE", "name": "FARGATE", "status": "ACTIVE", "type": "FARGATE" }],
              "failures": [{ "arn": "{{_ecs.ArnPrefix}}:capacity-provider/nothing-here", "reason": "MISSING" }]
            }
            """, response);
    }

    [Fact]
    public async Task Describe_for_a_cluster_lists_only_the_providers_it_holds()
    {
        await CreateAsync("held", "held-group");
        await CreateAsync("not-held", "not-held-group");
        await _ecs.OkAsync("CreateCluster", new { clusterName = "holder", capacityProviders = new[] { "FARGATE", "held" } });

        var response = await _ecs.OkAsync("DescribeCapacityProviders", new { cluster = "holder" });

        Assert.Equal(["FARGATE", "held"], response["capacityProviders"]!.AsArray().Select(p => (string)p!["name"]!));
        Assert.Equal(("ClusterNotFoundException", "Cluster not found."), await _ecs.ErrorAsync("DescribeCapacityProviders", new { cluster = "absent" }));
    }

    [Fact]
    public async Task Describe_without_names_pages_through_fargate_then_the_accounts_providers()
    {
        await CreateAsync("paged-a", "paged-a");
        await CreateAsync("paged-b", "paged-b");
        var names = new List<string>();
        string? token = null;
        do
        {
            var page = await _ecs.OkAsync("DescribeCapacityProviders", new { maxResults = 1, nextToken = token });
            Assert.Single(page["capacityProviders"]!.AsArray());
            names.Add((string)page["capacityProviders"]![0]!["name"]!);
            token = (string?)page["nextToken"];
        }
        while (token is not null);

        Assert.Equal(["FARGATE", "FARGATE_SPOT"], names.Take(2));
        Assert.Equal(names.Skip(2).Order(StringComparer.Ordinal), names.Skip(2));
        Assert.Contains("paged-a", names);
        Assert.Contains("paged-b", names);
        Assert.Equal("InvalidParameterException", (await _ecs.ErrorAsync("DescribeCapacityProviders", new { maxResults = 11 })).Type);
    }

    public static TheoryData<string, object, string, string> Refusals => new()
    {
        { "reserved", new { name = "ecs-web", autoScalingGroupProvider = Group("g-reserved") }, "InvalidParameterException", "can't be prefixed" },
        { "no group", new { name = "no-group" }, "InvalidParameterException", "autoScalingGroupProvider is required" },
        {
            "managed scaling out of range", new { name = "scaled", autoScalingGroupProvider = Group("g-scaled", new { status = "ENABLED", targetCapacity = 101 }) },
            "InvalidParameterException", "targetCapacity"
        },
        {
            "termination protection", new { name = "protected", autoScalingGroupProvider = Group("g-protected", termination: "ENABLED") },
            "InvalidParameterException", "managed scaling must also be enabled"
        },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Create_refuses_what_ecs_refuses_and_creates_nothing(string what, object request, string type, string message)
    {
        var (errorType, error) = await _ecs.ErrorAsync("CreateCapacityProvider", request);

        Assert.True(errorType == type, what);
        Assert.Contains(message, error, StringComparison.Ordinal);
        var name = (string)System.Text.Json.JsonSerializer.SerializeToNode(request)!["name"]!;
        Assert.Equal("MISSING", (string)(await _ecs.OkAsync("DescribeCapacityProviders", new { capacityProviders = new[] { name } }))["failures"]![0]!["reason"]!);
    }

    [Fact]
    public async Task A_name_and_a_group_each_belong_to_one_provider()
    {
        await CreateAsync("unique", "unique-group");

        Assert.Equal(
            ("ClientException", "The specified capacity provider already exists. To change the configuration of an existing capacity provider, update the capacity provider."),
            await _ecs.ErrorAsync("CreateCapacityProvider", new { name = "unique", autoScalingGroupProvider = Group("other-group") }));
        Assert.Equal(
            ("ClientException", "The specified Auto Scaling group ARN is already being used by another capacity provider. Specify a unique Auto Scaling group ARN and try again."),
            await _ecs.ErrorAsync("CreateCapacityProvider", new { name = "second", autoScalingGroupProvider = Group("unique-group") }));
        Assert.Equal("unique-group", (string)(await DescribeOneAsync("unique"))["autoScalingGroupProvider"]!["autoScalingGroupArn"]!);
        Assert.Equal("MISSING", (string)(await _ecs.OkAsync("DescribeCapacityProviders", new { capacityProviders = new[] { "second" } }))["failures"]![0]!["reason"]!);
    }

    [Fact]
    public async Task Update_changes_the_settings_it_gives()
    {
        await CreateAsync("updated", "updated-group");

        var response = await _ecs.OkAsync("UpdateCapacityProvider", new
        {
            name = "updated",
            autoScalingGroupProvider = new { managedDraining = "DISABLED", managedScaling = new { status = "DISABLED", targetCapacity = 90 } },
        });

        Assert.Equal("UPDATE_COMPLETE", (string)response["capacityProvider"]!["updateStatus"]!);
        var described = await DescribeOneAsync("updated");
        Assert.Equal("DISABLED", (string)described["autoScalingGroupProvider"]!["managedDraining"]!);
        Assert.Equal(90, (int)described["autoScalingGroupProvider"]!["managedScaling"]!["targetCapacity"]!);
        await _ecs.OkAsync("UpdateCapacityProvider", new
        {
            name = "updated",
            autoScalingGroupProvider = new { managedScaling = new { status = "ENABLED" }, managedTerminationProtection = "ENABLED" },
        });
        var scaled = (await DescribeOneAsync("updated"))["autoScalingGroupProvider"]!;
        Assert.Equal(("ENABLED", 100, "ENABLED"),
            ((string)scaled["managedScaling"]!["status"]!, (int)scaled["managedScaling"]!["targetCapacity"]!, (string)scaled["managedTerminationProtection"]!));
        Assert.Equal("ClientException", (await _ecs.ErrorAsync("UpdateCapacityProvider", new { name = "never-made", autoScalingGroupProvider = new { } })).Type);
        // Amazon ECS Managed Instances are refused on update as on create, not ignored.
        Assert.Equal("UnsupportedFeatureException",
            (await _ecs.ErrorAsync("UpdateCapacityProvider", new { name = "updated", managedInstancesProvider = new { infrastructureRoleArn = "arn:aws:iam::000000000000:role/infra" } })).Type);
    }

    [Fact]
    public async Task Delete_fails_while_a_cluster_has_the_provider_then_is_in_progress_until_it_is_inactive()
    {
        await CreateAsync("deleted", "deleted-group");
        await _ecs.OkAsync("CreateCluster", new { clusterName = "holds", capacityProviders = new[] { "deleted" } });

        var refused = (await _ecs.OkAsync("DeleteCapacityProvider", new { capacityProvider = "deleted" }))["capacityProvider"]!;

        Assert.Equal(("ACTIVE", "DELETE_FAILED"), ((string)refused["status"]!, (string)refused["updateStatus"]!));
        Assert.Equal(
            "The capacity provider cannot be deleted because it is associated with cluster: holds. Remove the capacity provider from the cluster and try again.",
            (string)refused["updateStatusReason"]!);
        await _ecs.OkAsync("PutClusterCapacityProviders", new { cluster = "holds", capacityProviders = Array.Empty<string>(), defaultCapacityProviderStrategy = Array.Empty<object>() });

        var deleting = (await _ecs.OkAsync("DeleteCapacityProvider", new { capacityProvider = $"{_ecs.ArnPrefix}:capacity-provider/deleted" }))["capacityProvider"]!;

        Assert.Equal(("ACTIVE", "DELETE_IN_PROGRESS"), ((string)deleting["status"]!, (string)deleting["updateStatus"]!));
        var deleted = await Eventually.ReadAsync(() => DescribeOneAsync("deleted"), p => (string?)p["status"] == "INACTIVE");
        Assert.Equal(("INACTIVE", "DELETE_COMPLETE"), ((string)deleted["status"]!, (string)deleted["updateStatus"]!));
        Assert.Equal("ClientException", (await _ecs.ErrorAsync("DeleteCapacityProvider", new { capacityProvider = "deleted" })).Type);
        Assert.Equal("InvalidParameterException", (await _ecs.ErrorAsync("PutClusterCapacityProviders", new
        {
            cluster = "holds",
            capacityProviders = new[] { "deleted" },
            defaultCapacityProviderStrategy = Array.Empty<object>(),
        })).Type);
        // Its name and group are free again.
        await CreateAsync("deleted", "deleted-group");
    }

    [Theory]
    [InlineData("FARGATE")]
    [InlineData("FARGATE_SPOT")]
    public async Task Fargate_providers_cannot_be_deleted_or_updated(string name)
    {
        Assert.Equal("InvalidParameterException", (await _ecs.ErrorAsync("DeleteCapacityProvider", new { capacityProvider = name })).Type);
        Assert.Equal("InvalidParameterException", (await _ecs.ErrorAsync("UpdateCapacityProvider", new { name, autoScalingGroupProvider = new { } })).Type);
    }

    [Fact]
    public async Task A_providers_tags_are_managed_by_arn()
    {
        var arn = (string)(await CreateAsync("tagged", "tagged-group", [new { key = "a", value = "1" }]))["capacityProvider"]!["capacityProviderArn"]!;

        await _ecs.OkAsync("TagResource", new { resourceArn = arn, tags = new[] { new { key = "b", value = "2" } } });
        await _ecs.OkAsync("UntagResource", new { resourceArn = arn, tagKeys = new[] { "a" } });

        JsonAssert.Equal("""{ "tags": [{ "key": "b", "value": "2" }] }""", await _ecs.OkAsync("ListTagsForResource", new { resourceArn = arn }));
        JsonAssert.Equal("""[{ "key": "b", "value": "2" }]""", (await DescribeOneAsync("tagged", withTags: true))["tags"]);
    }

    [Fact]
    public async Task Providers_and_their_cluster_survive_a_restart()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"berth-capacity-restart-{Guid.NewGuid():N}");
        try
        {
            await using (var first = await RunningServer.StartAsync(dataDirectory))
            {
                var ecs = first.Client(null);
                await ecs.OkAsync("CreateCapacityProvider", new { name = "kept", autoScalingGroupProvider = Group("kept-group"), tags = new[] { new { key = "a", value = "1" } } });
                await ecs.OkAsync("CreateCluster", new { clusterName = "kept", capacityProviders = new[] { "kept" } });
            }

            await using var second = await RunningServer.StartAsync(dataDirectory);
            var again = second.Client(null);

            var provider = (await again.OkAsync("DescribeCapacityProviders", new { capacityProviders = new[] { "kept" }, include = new[] { "TAGS" } }))["capacityProviders"]![0]!;
            Assert.Equal(("ACTIVE", "kept-group"), ((string)provider["status"]!, (string)provider["autoScalingGroupProvider"]!["autoScalingGroupArn"]!));
            JsonAssert.Equal("""[{ "key": "a", "value": "1" }]""", provider["tags"]);
            Assert.Equal("DELETE_FAILED", (string)(await again.OkAsync("DeleteCapacityProvider", new { capacityProvider = "kept" }))["capacityProvider"]!["updateStatus"]!);
            Assert.Equal("ClientException", (await again.ErrorAsync("CreateCapacityProvider", new { name = "kept", autoScalingGroupProvider = Group("kept-group") })).Type);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}
