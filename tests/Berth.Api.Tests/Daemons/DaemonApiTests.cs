using System.Text.Json.Nodes;
using Berth.Api.Tests.Ecs;

namespace Berth.Api.Tests.Daemons;

/// <summary>
/// The daemon operations over instances registered through the API with the Auto Scaling group attribute an agent
/// started with <c>--auto-scaling-group</c> sets; the daemon scheduler places the tasks (no Docker needed).
/// </summary>
public sealed class DaemonApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private readonly EcsClient _ecs = server.NewClient();

    /// <summary>A cluster whose provider's group has one instance; returns the provider's ARN and the instance's.</summary>
    private async Task<(string Provider, string Instance)> ClusterAsync(string cluster)
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = cluster });
        var provider = await _ecs.OkAsync("CreateCapacityProvider", new { name = $"{cluster}-asg", autoScalingGroupProvider = new { autoScalingGroupArn = $"{cluster}-group" } });
        var instance = await ClusterCapacity.RegisterInstanceAsync(_ecs, cluster, $"i-{cluster}", cpu: 1024, memory: 2048,
            attributes: [new { name = "berth.auto-scaling-group", value = $"{cluster}-group" }]);
        await _ecs.OkAsync("PutClusterCapacityProviders", new { cluster, capacityProviders = new[] { $"{cluster}-asg" }, defaultCapacityProviderStrategy = Array.Empty<object>() });
        await _ecs.OkAsync("RegisterDaemonTaskDefinition", new { family = $"{cluster}-agent", containerDefinitions = new[] { new { name = "agent", image = "berth/sample-tools", memory = 32 } } });
        return ((string)provider["capacityProvider"]!["capacityProviderArn"]!, instance);
    }

    private Task<JsonNode> CreateAsync(string cluster, string provider, string name = "agent", string? token = null) => _ecs.OkAsync("CreateDaemon", new
    {
        daemonName = name,
        clusterArn = cluster,
        daemonTaskDefinitionArn = $"{cluster}-agent:1",
        capacityProviderArns = new[] { provider },
        clientToken = token,
        tags = new[] { new { key = "team", value = "ops" } },
        propagateTags = "DAEMON",
    });

    private async Task<JsonArray> TasksAsync(string cluster, string startedBy)
    {
        var arns = (await _ecs.OkAsync("ListTasks", new { cluster, startedBy }))["taskArns"]!.AsArray();
        return arns.Count == 0 ? [] : (await _ecs.OkAsync("DescribeTasks", new { cluster, tasks = arns, include = new[] { "TAGS" } }))["tasks"]!.AsArray();
    }

    private async Task<JsonNode> DeploymentAsync(string arn) =>
        (await _ecs.OkAsync("DescribeDaemonDeployments", new { daemonDeploymentArns = new[] { arn } }))["daemonDeployments"]![0]!;

    [Fact]
    public async Task Other_tasks_leave_a_new_instance_room_for_its_daemon_task()
    {
        const string cluster = "dmn-reserve";
        await _ecs.OkAsync("CreateCluster", new { clusterName = cluster });
        var provider = (string)(await _ecs.OkAsync("CreateCapacityProvider", new { name = $"{cluster}-asg", autoScalingGroupProvider = new { autoScalingGroupArn = $"{cluster}-group" } }))
            ["capacityProvider"]!["capacityProviderArn"]!;
        await _ecs.OkAsync("PutClusterCapacityProviders", new { cluster, capacityProviders = new[] { $"{cluster}-asg" }, defaultCapacityProviderStrategy = Array.Empty<object>() });
        await _ecs.OkAsync("RegisterDaemonTaskDefinition", new { family = $"{cluster}-agent", containerDefinitions = new[] { new { name = "agent", image = "berth/sample-tools", memory = 1024 } } });
        await CreateAsync(cluster, provider);
        await ClusterCapacity.RegisterWebAsync(_ecs, $"{cluster}-web", cpu: 256, memory: 1536);

        var instance = await ClusterCapacity.RegisterInstanceAsync(_ecs, cluster, $"i-{cluster}", cpu: 1024, memory: 2048,
            attributes: [new { name = "berth.auto-scaling-group", value = $"{cluster}-group" }]);
        var run = await _ecs.OkAsync("RunTask", new { cluster, taskDefinition = $"{cluster}-web", launchType = "EC2" });

        Assert.Empty(run["tasks"]!.AsArray());
        Assert.Equal(("RESOURCE:MEMORY", instance), ((string)run["failures"]![0]!["reason"]!, (string)run["failures"]![0]!["arn"]!));
        var daemonTasks = await Eventually.ReadAsync(() => TasksAsync(cluster, $"{_ecs.ArnPrefix}:daemon-revision/{cluster}/agent/1"), t => t.Count == 1);
        Assert.Equal(instance, (string)daemonTasks[0]!["containerInstanceArn"]!);
    }

    [Fact]
    public async Task A_daemon_places_one_task_on_its_providers_instance_and_records_its_first_deployment()
    {
        var (provider, instance) = await ClusterAsync("dmn-create");

        var created = await CreateAsync("dmn-create", provider);

        var daemonArn = (string)created["daemonArn"]!;
        Assert.Equal($"{_ecs.ArnPrefix}:daemon/dmn-create/agent", daemonArn);
        Assert.Equal("ACTIVE", (string)created["status"]!);
        var revision = $"{_ecs.ArnPrefix}:daemon-revision/dmn-create/agent/1";
        var tasks = await Eventually.ReadAsync(() => TasksAsync("dmn-create", revision), t => t.Count == 1);
        var task = Assert.Single(tasks)!;
        Assert.Equal((instance, "daemon:agent", "dmn-create-asg", "EC2"),
            ((string)task["containerInstanceArn"]!, (string)task["group"]!, (string)task["capacityProviderName"]!, (string)task["launchType"]!));
        Assert.Equal($"{_ecs.ArnPrefix}:daemon-task-definition/dmn-create-agent:1", (string)task["taskDefinitionArn"]!);
        Assert.Equal("ops", (string)task["tags"]![0]!["value"]!);
        var byDaemon = await _ecs.OkAsync("ListTasks", new { cluster = "dmn-create", daemonName = "agent" });
        Assert.Equal((string)task["taskArn"]!, (string)Assert.Single(byDaemon["taskArns"]!.AsArray())!);
        Assert.Empty((await _ecs.OkAsync("ListTasks", new { cluster = "dmn-create", daemonName = "other" }))["taskArns"]!.AsArray());
        Assert.Equal("InvalidParameterException", (await _ecs.ErrorAsync("ListTasks", new { cluster = "dmn-create", daemonName = "agent", serviceName = "web" })).Type);

        var deployment = await DeploymentAsync((string)created["deploymentArn"]!);
        Assert.Equal(revision, (string)deployment["targetDaemonRevision"]!["arn"]!);
        Assert.Equal("IN_PROGRESS", (string)deployment["status"]!);
        Assert.Equal((25.0, 0), ((double)deployment["deploymentConfiguration"]!["drainPercent"]!, (int)deployment["deploymentConfiguration"]!["bakeTimeInMinutes"]!));
        var revisions = await _ecs.OkAsync("DescribeDaemonRevisions", new { daemonRevisionArns = new[] { revision } });
        var described1 = revisions["daemonRevisions"]![0]!;
        JsonAssert.TakeTimestamp(described1, "createdAt");
        JsonAssert.Equal($$"""
            {
              "daemonRevisionArn": "{{revision}}",
              "clusterArn": "{{_ecs.ClusterArn("dmn-create")}}",
              "daemonArn": "{{daemonArn}}",
              "daemonTaskDefinitionArn": "{{_ecs.ArnPrefix}}:daemon-task-definition/dmn-create-agent:1",
              "containerImages": [{ "containerName": "agent", "image": "berth/sample-tools" }],
              "propagateTags": "DAEMON",
              "enableECSManagedTags": false,
              "enableExecuteCommand": false
            }
            """, described1);
        var described = (await _ecs.OkAsync("DescribeDaemon", new { daemonArn }))["daemon"]!;
        Assert.Equal(((string)created["deploymentArn"]!, "ACTIVE"), ((string)described["deploymentArn"]!, (string)described["status"]!));
        var listed = await _ecs.OkAsync("ListDaemons", new { clusterArn = "dmn-create", capacityProviderArns = new[] { provider } });
        Assert.Equal(daemonArn, (string)listed["daemonSummariesList"]![0]!["daemonArn"]!);
        Assert.Empty((await _ecs.OkAsync("ListDaemons", new { clusterArn = "dmn-create", capacityProviderArns = new[] { "other" } }))["daemonSummariesList"]!.AsArray());
    }

    [Fact]
    public async Task A_client_token_retry_answers_the_first_call_and_a_name_in_use_is_refused()
    {
        var (provider, _) = await ClusterAsync("dmn-token");

        var first = await CreateAsync("dmn-token", provider, token: "tok-1");
        var retry = await CreateAsync("dmn-token", provider, token: "tok-1");

        Assert.Equal((string)first["deploymentArn"]!, (string)retry["deploymentArn"]!);
        Assert.Equal(("InvalidParameterException", "Creation of daemon was not idempotent."),
            await _ecs.ErrorAsync("CreateDaemon", new { daemonName = "agent", clusterArn = "dmn-token", daemonTaskDefinitionArn = "dmn-token-agent", capacityProviderArns = new[] { provider } }));
    }

    [Fact]
    public async Task Update_deploys_a_new_revision_from_the_current_one_and_delete_ends_the_daemon()
    {
        var (provider, _) = await ClusterAsync("dmn-update");
        var created = await CreateAsync("dmn-update", provider);
        var daemonArn = (string)created["daemonArn"]!;
        await _ecs.OkAsync("RegisterDaemonTaskDefinition", new { family = "dmn-update-agent", containerDefinitions = new[] { new { name = "agent", image = "berth/sample-web", memory = 32 } } });

        var updated = await _ecs.OkAsync("UpdateDaemon", new
        {
            daemonArn,
            daemonTaskDefinitionArn = "dmn-update-agent:2",
            capacityProviderArns = new[] { provider },
            deploymentConfiguration = new { drainPercent = 50.0, bakeTimeInMinutes = 0 },
        });

        var deployment = await DeploymentAsync((string)updated["deploymentArn"]!);
        Assert.Equal($"{_ecs.ArnPrefix}:daemon-revision/dmn-update/agent/2", (string)deployment["targetDaemonRevision"]!["arn"]!);
        Assert.Equal($"{_ecs.ArnPrefix}:daemon-revision/dmn-update/agent/1", (string)deployment["sourceDaemonRevisions"]![0]!["arn"]!);
        Assert.Equal(50.0, (double)deployment["deploymentConfiguration"]!["drainPercent"]!);
        var first = await DeploymentAsync((string)created["deploymentArn"]!);
        Assert.Contains((string)first["status"]!, new[] { "STOPPED", "SUCCESSFUL" });
        var listed = (await _ecs.OkAsync("ListDaemonDeployments", new { daemonArn }))["daemonDeployments"]!.AsArray();
        Assert.Equal([(string)updated["deploymentArn"]!, (string)created["deploymentArn"]!], listed.Select(d => (string)d!["daemonDeploymentArn"]!));
        Assert.Empty((await _ecs.OkAsync("ListDaemonDeployments", new { daemonArn, status = new[] { "ROLLBACK_FAILED" } }))["daemonDeployments"]!.AsArray());

        var deleted = await _ecs.OkAsync("DeleteDaemon", new { daemonArn });
        Assert.Equal("DELETE_IN_PROGRESS", (string)deleted["status"]!);
        Assert.Equal("DaemonNotActiveException", (await _ecs.ErrorAsync("UpdateDaemon", new { daemonArn, daemonTaskDefinitionArn = "dmn-update-agent:2", capacityProviderArns = new[] { provider } })).Type);
        Assert.Equal("DaemonNotActiveException", (await _ecs.ErrorAsync("DeleteDaemon", new { daemonArn })).Type);
    }

    [Fact]
    public async Task Refusals_name_the_models_errors()
    {
        var (provider, _) = await ClusterAsync("dmn-refuse");
        await _ecs.OkAsync("CreateCapacityProvider", new { name = "dmn-refuse-other", autoScalingGroupProvider = new { autoScalingGroupArn = "other-group" } });
        object Create(string cluster, string definition, string providerArn) =>
            new { daemonName = "agent", clusterArn = cluster, daemonTaskDefinitionArn = definition, capacityProviderArns = new[] { providerArn } };

        Assert.Equal("ClusterNotFoundException", (await _ecs.ErrorAsync("CreateDaemon", Create("dmn-nowhere", "dmn-refuse-agent", provider))).Type);
        Assert.Equal(("ClientException", "The specified daemon task definition does not exist."),
            await _ecs.ErrorAsync("CreateDaemon", Create("dmn-refuse", "dmn-none", provider)));
        Assert.Equal(("InvalidParameterException", "Daemons run only on capacity providers of container instances; FARGATE is not one."),
            await _ecs.ErrorAsync("CreateDaemon", Create("dmn-refuse", "dmn-refuse-agent", "FARGATE")));
        Assert.Equal(("InvalidParameterException", "The specified capacity provider dmn-refuse-other is not associated with the cluster dmn-refuse."),
            await _ecs.ErrorAsync("CreateDaemon", Create("dmn-refuse", "dmn-refuse-agent", "dmn-refuse-other")));
        Assert.Equal("InvalidParameterException", (await _ecs.ErrorAsync("CreateDaemon", Create("dmn-refuse", "dmn-refuse-agent", "dmn-missing"))).Type);
        Assert.Equal(("DaemonNotFoundException", "The specified daemon wasn't found."),
            await _ecs.ErrorAsync("DescribeDaemon", new { daemonArn = $"{_ecs.ArnPrefix}:daemon/dmn-refuse/none" }));
        Assert.Equal("InvalidParameterException", (await _ecs.ErrorAsync("DescribeDaemon", new { daemonArn = "none" })).Type);
        Assert.Equal("ClusterNotFoundException", (await _ecs.ErrorAsync("ListDaemons", new { clusterArn = "dmn-nowhere" })).Type);
        Assert.Empty((await _ecs.OkAsync("ListDaemonDeployments", new { daemonArn = $"{_ecs.ArnPrefix}:daemon/dmn-refuse/none" }))["daemonDeployments"]!.AsArray());
        var missing = await _ecs.OkAsync("DescribeDaemonDeployments", new { daemonDeploymentArns = new[] { $"{_ecs.ArnPrefix}:daemon-deployment/dmn-refuse/none/x" } });
        Assert.Equal("MISSING", (string)missing["failures"]![0]!["reason"]!);
        Assert.Equal("InvalidParameterException", (await _ecs.ErrorAsync("DescribeDaemonRevisions", new { daemonRevisionArns = Array.Empty<string>() })).Type);
    }
}
