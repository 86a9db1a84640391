using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Berth.Api.Tests.Ecs;

namespace Berth.Api.Tests.Capacity;

/// <summary>
/// FARGATE and FARGATE_SPOT over the API, with a managed pool instance registered as a managed agent registers it
/// (cluster <c>~fargate</c>), so no Docker is needed. The pool is shared by every cluster and region of the server.
/// </summary>
public sealed class FargateApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>, IAsyncLifetime
{
    private const string PoolCluster = "~fargate";
    private readonly EcsClient _ecs = server.NewClient();

    public async Task InitializeAsync() =>
        // Large enough for every test of the class: Fargate placement only needs cpu and memory.
        await ClusterCapacity.RegisterInstanceAsync(server.Client(null), PoolCluster, $"i-pool-{Guid.NewGuid():N}", cpu: 1024 * 1024, memory: 1024 * 1024 * 4,
            attributes: [new { name = "ecs.capability.task-eni" }]);

    public Task DisposeAsync() => Task.CompletedTask;

    private static object Network(string subnet = "subnet-local-a") =>
        new { awsvpcConfiguration = new { subnets = new[] { subnet }, securityGroups = new[] { "sg-web" }, assignPublicIp = "DISABLED" } };

    private static Task ServerlessClusterAsync(EcsClient ecs, string cluster, object[]? defaults = null) =>
        ecs.OkAsync("CreateCluster", new
        {
            clusterName = cluster,
            capacityProviders = new[] { "FARGATE", "FARGATE_SPOT" },
            defaultCapacityProviderStrategy = defaults ?? [],
        });

    private static Task WebFargateAsync(EcsClient ecs, string family) =>
        ecs.OkAsync("RegisterTaskDefinition", new
        {
            family,
            networkMode = "awsvpc",
            requiresCompatibilities = new[] { "FARGATE" },
            cpu = "256",
            memory = "512",
            containerDefinitions = new[] { new { name = "web", image = "berth/sample-web", portMappings = new[] { new { containerPort = 80 } } } },
        });

    [Fact]
    public async Task A_fargate_task_runs_on_the_pool_and_reports_what_ecs_reports()
    {
        await ServerlessClusterAsync(_ecs, "fg");
        await WebFargateAsync(_ecs, "fg-web");

        var run = await _ecs.OkAsync("RunTask", new { cluster = "fg", launchType = "FARGATE", taskDefinition = "fg-web", networkConfiguration = Network() });

        Assert.Empty(run["failures"]!.AsArray());
        var arn = (string)run["tasks"]![0]!["taskArn"]!;
        var task = (await _ecs.OkAsync("DescribeTasks", new { cluster = "fg", tasks = new[] { arn } }))["tasks"]![0]!.AsObject();
        Assert.Equal("FARGATE", (string)task["launchType"]!);
        Assert.Equal("1.4.0", (string)task["platformVersion"]!);
        Assert.Equal("Linux", (string)task["platformFamily"]!);
        Assert.Equal(20, (int)task["ephemeralStorage"]!["sizeInGiB"]!);
        Assert.False(task.ContainsKey("containerInstanceArn"));
        Assert.False(task.ContainsKey("capacityProviderName"));
        Assert.Equal("local-1a", (string)task["availabilityZone"]!);
        Assert.Equal("ElasticNetworkInterface", (string)task["attachments"]![0]!["type"]!);
        Assert.False(run["tasks"]![0]!.AsObject().ContainsKey("containerInstanceArn"));
    }

    [Fact]
    public async Task The_pool_is_never_listed_or_counted_as_the_users_instances()
    {
        await ServerlessClusterAsync(_ecs, "hidden");
        await WebFargateAsync(_ecs, "hidden-web");
        await _ecs.OkAsync("RunTask", new { cluster = "hidden", launchType = "FARGATE", taskDefinition = "hidden-web", networkConfiguration = Network() });

        Assert.Empty((await _ecs.OkAsync("ListContainerInstances", new { cluster = "hidden" }))["containerInstanceArns"]!.AsArray());
        var cluster = (await _ecs.OkAsync("DescribeClusters", new { clusters = new[] { "hidden" } }))["clusters"]![0]!;
        Assert.Equal(0, (int)cluster["registeredContainerInstancesCount"]!);
        var names = (await server.Client(null).OkAsync("ListClusters", new { }))["clusterArns"]!.AsArray().Select(a => (string)a!);
        Assert.DoesNotContain(names, n => n.EndsWith("/~fargate", StringComparison.Ordinal));
        var (type, _) = await server.Client(null).ErrorAsync("DescribeContainerInstances", new { cluster = "~fargate", containerInstances = new[] { "x" } });
        Assert.Equal("ClusterNotFoundException", type);
    }

    [Fact]
    public async Task The_clusters_default_strategy_applies_when_run_task_names_neither()
    {
        await ServerlessClusterAsync(_ecs, "deflt", [new { capacityProvider = "FARGATE_SPOT", weight = 1 }]);
        await WebFargateAsync(_ecs, "deflt-web");

        var run = await _ecs.OkAsync("RunTask", new { cluster = "deflt", taskDefinition = "deflt-web", count = 2, networkConfiguration = Network() });

        Assert.All(run["tasks"]!.AsArray(), t =>
        {
            Assert.Equal("FARGATE_SPOT", (string)t!["capacityProviderName"]!);
            Assert.Equal("FARGATE", (string)t["launchType"]!);
        });
    }

    [Fact]
    public async Task Cluster_statistics_count_fargate_and_ec2_work_apart()
    {
        await ServerlessClusterAsync(_ecs, "stats");
        await WebFargateAsync(_ecs, "stats-fargate");
        await ClusterCapacity.RegisterInstanceAsync(_ecs, "stats", "i-stats");
        await ClusterCapacity.RegisterWebAsync(_ecs, "stats-ec2");
        await _ecs.OkAsync("RunTask", new { cluster = "stats", launchType = "FARGATE", taskDefinition = "stats-fargate", count = 2, networkConfiguration = Network() });
        await _ecs.OkAsync("RunTask", new { cluster = "stats", launchType = "EC2", taskDefinition = "stats-ec2" });
        await _ecs.OkAsync("CreateService", new
        {
            cluster = "stats",
            serviceName = "spot",
            taskDefinition = "stats-fargate",
            desiredCount = 0,
            networkConfiguration = Network(),
            capacityProviderStrategy = new[] { new { capacityProvider = "FARGATE_SPOT", weight = 1 } },
        });

        var cluster = (await _ecs.OkAsync("DescribeClusters", new { clusters = new[] { "stats" }, include = new[] { "STATISTICS" } }))["clusters"]![0]!;

        JsonAssert.Equal("""
            [
              { "name": "runningEC2TasksCount", "value": "0" },
              { "name": "runningFargateTasksCount", "value": "0" },
              { "name": "pendingEC2TasksCount", "value": "1" },
              { "name": "pendingFargateTasksCount", "value": "2" },
              { "name": "activeEC2ServiceCount", "value": "0" },
              { "name": "activeFargateServiceCount", "value": "1" },
              { "name": "drainingEC2ServiceCount", "value": "0" },
              { "name": "drainingFargateServiceCount", "value": "0" }
            ]
            """, cluster["statistics"]!);
    }

    [Fact]
    public async Task A_run_task_strategy_splits_by_base_and_weight()
    {
        await ServerlessClusterAsync(_ecs, "split");
        await WebFargateAsync(_ecs, "split-web");

        var run = await _ecs.OkAsync("RunTask", new
        {
            cluster = "split",
            taskDefinition = "split-web",
            count = 10,
            networkConfiguration = Network(),
            capacityProviderStrategy = new object[]
            {
                new { capacityProvider = "FARGATE", @base = 2, weight = 1 },
                new { capacityProvider = "FARGATE_SPOT", weight = 3 },
            },
        });

        var providers = run["tasks"]!.AsArray().GroupBy(t => (string)t!["capacityProviderName"]!).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(4, providers["FARGATE"]);
        Assert.Equal(6, providers["FARGATE_SPOT"]);
    }

    [Theory]
    [InlineData("both", "Specifying both a launchType and capacityProviderStrategy is not supported.")]
    [InlineData("platform", "The platform version must be null when specifying an EC2 launch type.")]
    [InlineData("placement", "Task placement strategies and constraints are not supported with the FARGATE launch type.")]
    public async Task Fargate_run_task_refuses_what_ecs_refuses(string what, string message)
    {
        var cluster = $"refuse-{what}";
        await ServerlessClusterAsync(_ecs, cluster);
        await WebFargateAsync(_ecs, $"{cluster}-web");
        object request = what switch
        {
            "both" => new
            {
                cluster,
                taskDefinition = $"{cluster}-web",
                launchType = "FARGATE",
                networkConfiguration = Network(),
                capacityProviderStrategy = new[] { new { capacityProvider = "FARGATE", weight = 1 } },
            },
            "platform" => new { cluster, taskDefinition = $"{cluster}-web", launchType = "EC2", platformVersion = "LATEST", networkConfiguration = Network() },
            _ => new
            {
                cluster,
                taskDefinition = $"{cluster}-web",
                launchType = "FARGATE",
                networkConfiguration = Network(),
                placementStrategy = new[] { new { type = "random" } },
            },
        };

        var (type, error) = await _ecs.ErrorAsync("RunTask", request);

        Assert.Equal("InvalidParameterException", type);
        Assert.Equal(message, error);
        Assert.Empty((await _ecs.OkAsync("ListTasks", new { cluster }))["taskArns"]!.AsArray());
    }

    [Fact]
    public async Task Fargate_needs_awsvpc_as_ecs_validates()
    {
        await ServerlessClusterAsync(_ecs, "bridge");
        await ClusterCapacity.RegisterWebAsync(_ecs, "bridge-web");

        var (type, error) = await _ecs.ErrorAsync("RunTask", new { cluster = "bridge", taskDefinition = "bridge-web", launchType = "FARGATE" });

        Assert.Equal("InvalidParameterException", type);
        Assert.Equal("Task definition does not support launch_type FARGATE.", error);
    }

    [Fact]
    public async Task A_service_on_the_tours_strategy_places_100_tasks_26_on_fargate_and_74_on_spot()
    {
        await ServerlessClusterAsync(_ecs, "tour", [
            new { capacityProvider = "FARGATE", @base = 1, weight = 1 },
            new { capacityProvider = "FARGATE_SPOT", weight = 3 },
        ]);
        await WebFargateAsync(_ecs, "tour-web");

        var service = (await _ecs.OkAsync("CreateService", new
        {
            cluster = "tour",
            serviceName = "web",
            taskDefinition = "tour-web",
            desiredCount = 100,
            networkConfiguration = Network("subnet-local-b"),
        }))["service"]!.AsObject();
        Assert.False(service.ContainsKey("launchType"));
        Assert.Equal(2, service["capacityProviderStrategy"]!.AsArray().Count);
        Assert.Equal("LATEST", (string)service["platformVersion"]!);

        var arns = await TasksOfAsync("tour", "web", 100);
        var providers = new Dictionary<string, int>();
        foreach (var chunk in arns.Chunk(100))
        {
            foreach (var task in (await _ecs.OkAsync("DescribeTasks", new { cluster = "tour", tasks = chunk }))["tasks"]!.AsArray())
            {
                var provider = (string)task!["capacityProviderName"]!;
                providers[provider] = providers.GetValueOrDefault(provider) + 1;
            }
        }
        Assert.Equal(26, providers["FARGATE"]);
        Assert.Equal(74, providers["FARGATE_SPOT"]);
    }

    [Fact]
    public async Task A_spot_interruption_stops_the_task_with_ecs_stop_code_and_reason()
    {
        await ServerlessClusterAsync(_ecs, "spot");
        await WebFargateAsync(_ecs, "spot-web");
        var run = await _ecs.OkAsync("RunTask", new
        {
            cluster = "spot",
            taskDefinition = "spot-web",
            networkConfiguration = Network(),
            capacityProviderStrategy = new[] { new { capacityProvider = "FARGATE_SPOT", weight = 1 } },
        });
        var arn = (string)run["tasks"]![0]!["taskArn"]!;

        using var response = await server.Http.PostAsJsonAsync("/_berth/spot/v1/interrupt", new { task = arn });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answered = (await response.Content.ReadFromJsonAsync<JsonNode>())!["task"]!;
        Assert.Equal("STOPPED", (string)answered["desiredStatus"]!);
        var task = (await _ecs.OkAsync("DescribeTasks", new { cluster = "spot", tasks = new[] { arn } }))["tasks"]![0]!;
        Assert.Equal("SpotInterruption", (string)task["stopCode"]!);
        Assert.Equal("Your Spot Task was interrupted.", (string)task["stoppedReason"]!);
        Assert.Equal("STOPPED", (string)task["desiredStatus"]!);
    }

    [Fact]
    public async Task Only_spot_tasks_can_be_interrupted()
    {
        await ServerlessClusterAsync(_ecs, "ondemand");
        await WebFargateAsync(_ecs, "ondemand-web");
        var run = await _ecs.OkAsync("RunTask", new { cluster = "ondemand", launchType = "FARGATE", taskDefinition = "ondemand-web", networkConfiguration = Network() });
        var arn = (string)run["tasks"]![0]!["taskArn"]!;

        using var response = await server.Http.PostAsJsonAsync("/_berth/spot/v1/interrupt", new { task = arn });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("InvalidParameterException", (string)(await response.Content.ReadFromJsonAsync<JsonNode>())!["__type"]!);
        var task = (await _ecs.OkAsync("DescribeTasks", new { cluster = "ondemand", tasks = new[] { arn } }))["tasks"]![0]!;
        Assert.Equal("RUNNING", (string)task["desiredStatus"]!);
    }

    [Fact]
    public async Task A_full_pool_fails_the_task_with_the_fargate_capacity_reason()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"berth-api-{Guid.NewGuid():N}");
        try
        {
            await using var small = await RunningServer.StartAsync(directory);
            var ecs = small.Client(null);
            await ClusterCapacity.RegisterInstanceAsync(ecs, PoolCluster, "i-small-pool", cpu: 512, memory: 1024, attributes: [new { name = "ecs.capability.task-eni" }]);
            await ServerlessClusterAsync(ecs, "full");
            await WebFargateAsync(ecs, "full-web");

            var run = await ecs.OkAsync("RunTask", new { cluster = "full", launchType = "FARGATE", taskDefinition = "full-web", count = 3, networkConfiguration = Network() });

            Assert.Equal(2, run["tasks"]!.AsArray().Count);
            var failure = Assert.Single(run["failures"]!.AsArray())!;
            Assert.Equal("Capacity is unavailable at this time. Please try again later or in a different availability zone", (string)failure["reason"]!);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Without_a_pool_fargate_tasks_fail_for_capacity_instead_of_hanging()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"berth-api-{Guid.NewGuid():N}");
        try
        {
            await using var bare = await RunningServer.StartAsync(directory);
            var ecs = bare.Client(null);
            await ServerlessClusterAsync(ecs, "nopool");
            await WebFargateAsync(ecs, "nopool-web");

            var run = await ecs.OkAsync("RunTask", new { cluster = "nopool", launchType = "FARGATE", taskDefinition = "nopool-web", networkConfiguration = Network() });

            Assert.Empty(run["tasks"]!.AsArray());
            Assert.Equal("Capacity is unavailable at this time. Please try again later or in a different availability zone",
                (string)Assert.Single(run["failures"]!.AsArray())!["reason"]!);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The service scheduler launches in rounds: waits until it has launched <paramref name="count"/> tasks.</summary>
    private async Task<List<string>> TasksOfAsync(string cluster, string service, int count)
    {
        for (var attempt = 0; ; attempt++)
        {
            var arns = new List<string>();
            string? next = null;
            do
            {
                var page = await _ecs.OkAsync("ListTasks", new { cluster, serviceName = service, nextToken = next });
                arns.AddRange(page["taskArns"]!.AsArray().Select(a => (string)a!));
                next = (string?)page["nextToken"];
            }
            while (next is not null);
            if (arns.Count >= count || attempt == 300)
            {
                Assert.Equal(count, arns.Count);
                return arns;
            }
            await Task.Delay(100);
        }
    }
}
