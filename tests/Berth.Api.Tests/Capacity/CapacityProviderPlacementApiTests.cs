using System.Text.Json.Nodes;
using Berth.Api.Tests.Ecs;

namespace Berth.Api.Tests.Capacity;

/// <summary>
/// Clusters and strategies with Auto Scaling group providers: instances are registered through the API with the
/// <c>berth.auto-scaling-group</c> attribute an agent started with <c>--auto-scaling-group</c> sets, so no Docker is needed.
/// </summary>
public sealed class CapacityProviderPlacementApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private readonly EcsClient _ecs = server.NewClient();

    private static object[] InGroup(string group) => [new { name = "berth.auto-scaling-group", value = group }];

    private static object Item(string provider, int weight, int @base = 0) => new { capacityProvider = provider, weight, @base };

    /// <summary>A cluster with one provider per group, each group <paramref name="instances"/> instances large enough for two web tasks.</summary>
    private async Task<Dictionary<string, HashSet<string>>> ClusterOfGroupsAsync(string cluster, string[] providers, int instances = 1)
    {
        var members = new Dictionary<string, HashSet<string>>();
        foreach (var provider in providers)
        {
            var group = $"{provider}-group";
            await _ecs.OkAsync("CreateCapacityProvider", new { name = provider, autoScalingGroupProvider = new { autoScalingGroupArn = group } });
            members[provider] = [];
            for (var i = 0; i < instances; i++)
            {
                members[provider].Add(await ClusterCapacity.RegisterInstanceAsync(
                    _ecs, cluster, $"i-{provider}-{i}", cpu: 1024, memory: 2048, attributes: InGroup(group)));
            }
        }
        await _ecs.OkAsync("PutClusterCapacityProviders", new { cluster, capacityProviders = providers, defaultCapacityProviderStrategy = Array.Empty<object>() });
        return members;
    }

    [Fact]
    public async Task A_strategy_splits_run_task_over_two_groups_each_share_on_its_own_groups_instances()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "split" });
        var outsider = await ClusterCapacity.RegisterInstanceAsync(_ecs, "split", "i-no-group", cpu: 4096, memory: 8192);
        var members = await ClusterOfGroupsAsync("split", ["split-a", "split-b"], instances: 2);
        await ClusterCapacity.RegisterWebAsync(_ecs, "split-web", cpu: 256, memory: 512);

        var run = await _ecs.OkAsync("RunTask", new
        {
            cluster = "split",
            taskDefinition = "split-web",
            count = 6,
            capacityProviderStrategy = new[] { Item("split-a", 1, @base: 2), Item("split-b", 1) },
        });

        Assert.Empty(run["failures"]!.AsArray());
        var tasks = run["tasks"]!.AsArray().Select(t => t!.AsObject()).ToList();
        Assert.All(tasks, t =>
        {
            var provider = (string)t["capacityProviderName"]!;
            Assert.Contains((string)t["containerInstanceArn"]!, members[provider]);
            Assert.Equal("EC2", (string)t["launchType"]!);
            Assert.False(t.ContainsKey("platformVersion"));
        });
        Assert.Equal(4, tasks.Count(t => (string)t["capacityProviderName"]! == "split-a"));
        Assert.Equal(2, tasks.Count(t => (string)t["capacityProviderName"]! == "split-b"));
        Assert.DoesNotContain(tasks, t => (string)t["containerInstanceArn"]! == outsider);
    }

    [Fact]
    public async Task A_full_group_fails_the_tasks_it_cannot_fit_as_ec2_placement_does()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "full" });
        var members = await ClusterOfGroupsAsync("full", ["full-a"]);
        await ClusterCapacity.RegisterInstanceAsync(_ecs, "full", "i-roomy", cpu: 8192, memory: 16384);
        await ClusterCapacity.RegisterWebAsync(_ecs, "full-web", cpu: 512, memory: 1024);

        var run = await _ecs.OkAsync("RunTask", new
        {
            cluster = "full",
            taskDefinition = "full-web",
            count = 3,
            capacityProviderStrategy = new[] { Item("full-a", 1) },
        });

        Assert.Equal(2, run["tasks"]!.AsArray().Count);
        var failure = run["failures"]![0]!;
        Assert.StartsWith("RESOURCE:", (string)failure["reason"]!, StringComparison.Ordinal);
        Assert.Contains((string)failure["arn"]!, members["full-a"]);
    }

    [Fact]
    public async Task A_group_without_instances_refuses_run_task_and_starts_nothing()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "empty" });
        var members = await ClusterOfGroupsAsync("empty", ["empty-a"]);
        await _ecs.OkAsync("CreateCapacityProvider", new { name = "empty-b", autoScalingGroupProvider = new { autoScalingGroupArn = "nobody" } });
        await _ecs.OkAsync("PutClusterCapacityProviders", new
        {
            cluster = "empty",
            capacityProviders = new[] { "empty-a", "empty-b" },
            defaultCapacityProviderStrategy = Array.Empty<object>(),
        });
        await ClusterCapacity.RegisterWebAsync(_ecs, "empty-web", cpu: 256, memory: 512);

        var error = await _ecs.ErrorAsync("RunTask", new
        {
            cluster = "empty",
            taskDefinition = "empty-web",
            count = 2,
            capacityProviderStrategy = new[] { Item("empty-a", 1), Item("empty-b", 1) },
        });

        Assert.Equal(("InvalidParameterException", "No Container Instances were found in your capacity provider."), error);
        Assert.Empty((await _ecs.OkAsync("ListTasks", new { cluster = "empty" }))["taskArns"]!.AsArray());
        Assert.Single(members["empty-a"]);
    }

    [Fact]
    public async Task Clusters_accept_active_providers_only_and_strategies_never_mix_them_with_fargate()
    {
        await _ecs.OkAsync("CreateCapacityProvider", new { name = "mixed-a", autoScalingGroupProvider = new { autoScalingGroupArn = "mixed-group" } });

        var created = await _ecs.OkAsync("CreateCluster", new
        {
            clusterName = "mixed",
            capacityProviders = new[] { "mixed-a", "FARGATE" },
            defaultCapacityProviderStrategy = new[] { Item("mixed-a", 1) },
        });
        var mix = await _ecs.ErrorAsync("PutClusterCapacityProviders", new
        {
            cluster = "mixed",
            capacityProviders = new[] { "mixed-a", "FARGATE" },
            defaultCapacityProviderStrategy = new[] { Item("mixed-a", 1), Item("FARGATE", 1) },
        });
        var unknown = await _ecs.ErrorAsync("CreateCluster", new { clusterName = "unknown", capacityProviders = new[] { "never-made" } });

        Assert.Equal(["mixed-a", "FARGATE"], created["cluster"]!["capacityProviders"]!.AsArray().Select(p => (string)p!));
        Assert.Equal(("InvalidParameterException",
            "The specified capacity provider strategy cannot contain a mix of capacity providers using Auto Scaling groups and Fargate providers. Specify one or the other and try again."), mix);
        Assert.Equal("InvalidParameterException", unknown.Type);
        var cluster = (await _ecs.OkAsync("DescribeClusters", new { clusters = new[] { "mixed", "unknown" } }));
        Assert.Equal("mixed-a", (string)cluster["clusters"]![0]!["defaultCapacityProviderStrategy"]![0]!["capacityProvider"]!);
        Assert.Equal("MISSING", (string)cluster["failures"]![0]!["reason"]!);
        var ofCluster = await _ecs.OkAsync("DescribeCapacityProviders", new { cluster = "mixed" });
        Assert.Equal(["FARGATE", "mixed-a"], ofCluster["capacityProviders"]!.AsArray().Select(p => (string)p!["name"]!));
    }

    [Fact]
    public async Task A_provider_in_use_by_a_task_cannot_be_removed_from_its_cluster()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "inuse" });
        await ClusterOfGroupsAsync("inuse", ["inuse-a"]);
        await ClusterCapacity.RegisterWebAsync(_ecs, "inuse-web", cpu: 256, memory: 512);
        await _ecs.OkAsync("RunTask", new { cluster = "inuse", taskDefinition = "inuse-web", capacityProviderStrategy = new[] { Item("inuse-a", 1) } });

        var error = await _ecs.ErrorAsync("PutClusterCapacityProviders", new
        {
            cluster = "inuse",
            capacityProviders = Array.Empty<string>(),
            defaultCapacityProviderStrategy = Array.Empty<object>(),
        });

        Assert.Equal(("ResourceInUseException", "The specified capacity provider is in use and cannot be removed."), error);
        var cluster = (await _ecs.OkAsync("DescribeClusters", new { clusters = new[] { "inuse" } }))["clusters"]![0]!;
        Assert.Equal(["inuse-a"], cluster["capacityProviders"]!.AsArray().Select(p => (string)p!));
    }

    [Fact]
    public async Task A_service_runs_on_its_strategys_groups_and_an_update_to_another_provider_deploys_anew()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "svc" });
        var members = await ClusterOfGroupsAsync("svc", ["svc-a", "svc-b"]);
        await _ecs.OkAsync("CreateCapacityProvider", new { name = "svc-elsewhere", autoScalingGroupProvider = new { autoScalingGroupArn = "svc-elsewhere" } });
        await ClusterCapacity.RegisterWebAsync(_ecs, "svc-web", cpu: 256, memory: 512);

        var created = (await _ecs.OkAsync("CreateService", new
        {
            cluster = "svc",
            serviceName = "web",
            taskDefinition = "svc-web",
            desiredCount = 2,
            capacityProviderStrategy = new[] { Item("svc-a", 1) },
        }))["service"]!.AsObject();

        Assert.False(created.ContainsKey("launchType"));
        var onA = await Eventually.ReadAsync(() => TasksAsync("svc"), t => t.Count == 2);
        Assert.All(onA, t => Assert.Contains((string)t["containerInstanceArn"]!, members["svc-a"]));

        var notOnCluster = await _ecs.ErrorAsync("UpdateService", new { cluster = "svc", service = "web", capacityProviderStrategy = new[] { Item("svc-elsewhere", 1) } });
        var fargate = await _ecs.ErrorAsync("UpdateService", new { cluster = "svc", service = "web", capacityProviderStrategy = new[] { Item("FARGATE", 1) } });
        Assert.Equal("InvalidParameterException", notOnCluster.Type);
        Assert.Contains("not associated with the cluster", notOnCluster.Message, StringComparison.Ordinal);
        Assert.Equal("InvalidParameterException", fargate.Type);

        var updated = (await _ecs.OkAsync("UpdateService", new
        {
            cluster = "svc",
            service = "web",
            capacityProviderStrategy = new[] { Item("svc-b", 1) },
        }))["service"]!;

        Assert.Equal(2, updated["deployments"]!.AsArray().Count);
        Assert.Equal("svc-b", (string)updated["deployments"]![0]!["capacityProviderStrategy"]![0]!["capacityProvider"]!);
        // The registered instances have no agent, so the old tasks never stop: the new deployment's start is what shows.
        var tasks = await Eventually.ReadAsync(() => TasksAsync("svc"), t => t.Count(x => (string)x["capacityProviderName"]! == "svc-b") == 2);
        var onB = tasks.Where(t => (string)t["capacityProviderName"]! == "svc-b").ToList();
        Assert.Equal(2, onB.Count);
        Assert.All(onB, t => Assert.Contains((string)t["containerInstanceArn"]!, members["svc-b"]));
    }

    [Fact]
    public async Task A_service_on_a_group_without_instances_says_so_in_its_events()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "idle" });
        await ClusterCapacity.RegisterInstanceAsync(_ecs, "idle", "i-idle-outsider");
        await _ecs.OkAsync("CreateCapacityProvider", new { name = "idle-a", autoScalingGroupProvider = new { autoScalingGroupArn = "idle-group" } });
        await _ecs.OkAsync("PutClusterCapacityProviders", new
        {
            cluster = "idle",
            capacityProviders = new[] { "idle-a" },
            defaultCapacityProviderStrategy = new[] { Item("idle-a", 1) },
        });
        await ClusterCapacity.RegisterWebAsync(_ecs, "idle-web", cpu: 256, memory: 512);

        await _ecs.OkAsync("CreateService", new { cluster = "idle", serviceName = "web", taskDefinition = "idle-web", desiredCount = 1 });

        var service = await Eventually.ReadAsync(
            async () => (await _ecs.OkAsync("DescribeServices", new { cluster = "idle", services = new[] { "web" } }))["services"]![0]!,
            s => s["events"]!.AsArray().Count > 0);
        Assert.Equal("idle-a", (string)service["capacityProviderStrategy"]![0]!["capacityProvider"]!);
        Assert.Contains("No Container Instances were found in your capacity provider.", (string)service["events"]![0]!["message"]!, StringComparison.Ordinal);
        Assert.Empty(await TasksAsync("idle"));
    }

    /// <summary>The cluster's tasks that are meant to run (desired RUNNING).</summary>
    private async Task<List<JsonObject>> TasksAsync(string cluster)
    {
        var arns = (await _ecs.OkAsync("ListTasks", new { cluster }))["taskArns"]!.AsArray().Select(a => (string)a!).ToArray();
        return arns.Length == 0
            ? []
            : (await _ecs.OkAsync("DescribeTasks", new { cluster, tasks = arns }))["tasks"]!.AsArray().Select(t => t!.AsObject()).ToList();
    }
}
