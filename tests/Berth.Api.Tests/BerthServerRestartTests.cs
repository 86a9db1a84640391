namespace Berth.Api.Tests;

/// <summary>Everything the API acknowledged is in the store: a new server on the same data directory sees it.</summary>
public sealed class BerthServerRestartTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"berth-restart-{Guid.NewGuid():N}");

    [Fact]
    public async Task State_survives_a_restart_on_the_same_data_directory()
    {
        await using (var first = await RunningServer.StartAsync(_dataDirectory))
        {
            var ecs = first.Client("eu-west-1");
            await ecs.OkAsync("CreateCluster", new { clusterName = "kept", tags = new[] { new { key = "team", value = "a" } } });
            await ecs.OkAsync("CreateCluster", new { clusterName = "dropped" });
            await ecs.OkAsync("DeleteCluster", new { cluster = "dropped" });
            await RegisterAsync(ecs);
            await RegisterAsync(ecs);
            await ecs.OkAsync("DeregisterTaskDefinition", new { taskDefinition = "web:2" });
            await ecs.OkAsync("PutAccountSetting", new { name = "containerInsights", value = "enabled" });
        }

        await using var second = await RunningServer.StartAsync(_dataDirectory);
        var again = second.Client("eu-west-1");

        JsonAssert.Equal("""{ "clusterArns": ["arn:aws:ecs:eu-west-1:000000000000:cluster/kept"] }""", await again.OkAsync("ListClusters", new { }));
        var clusters = await again.OkAsync("DescribeClusters", new { clusters = new[] { "kept", "dropped" }, include = new[] { "TAGS" } });
        Assert.Equal(["ACTIVE", "INACTIVE"], clusters["clusters"]!.AsArray().Select(c => (string?)c!["status"]));
        JsonAssert.Equal("""[{ "key": "team", "value": "a" }]""", clusters["clusters"]![0]!["tags"]);
        Assert.Equal(1, (int?)(await again.OkAsync("DescribeTaskDefinition", new { taskDefinition = "web" }))["taskDefinition"]!["revision"]);
        Assert.Equal(3, (int?)(await RegisterAsync(again))["taskDefinition"]!["revision"]);
        JsonAssert.Equal("""
            { "settings": [{ "name": "containerInsights", "value": "enabled", "principalArn": "arn:aws:iam::000000000000:root", "type": "user" }] }
            """, await again.OkAsync("ListAccountSettings", new { }));
    }

    [Fact]
    public async Task A_RunTask_client_token_survives_a_restart()
    {
        object run = new { cluster = "tokens", taskDefinition = "web", clientToken = "before-restart" };
        string first;
        await using (var before = await RunningServer.StartAsync(_dataDirectory))
        {
            var ecs = before.Client("eu-west-2");
            await ecs.OkAsync("CreateCluster", new { clusterName = "tokens" });
            await Ecs.ClusterCapacity.RegisterInstanceAsync(ecs, "tokens", "i-tokens");
            await RegisterAsync(ecs);
            first = (string)(await ecs.OkAsync("RunTask", run))["tasks"]![0]!["taskArn"]!;
        }

        await using var after = await RunningServer.StartAsync(_dataDirectory);
        var again = after.Client("eu-west-2");

        Assert.Equal(first, (string?)(await again.OkAsync("RunTask", run))["tasks"]![0]!["taskArn"]);
        Assert.Single((await again.OkAsync("ListTasks", new { cluster = "tokens" }))["taskArns"]!.AsArray());
    }

    [Fact]
    public async Task A_deployment_paused_at_a_hook_stays_paused_with_its_deadline_across_a_restart()
    {
        System.Text.Json.Nodes.JsonNode paused;
        await using (var before = await RunningServer.StartAsync(_dataDirectory))
        {
            paused = await Ecs.PausedDeployment.StartAsync(before.Client("eu-west-3"), "paused");
        }

        await using var after = await RunningServer.StartAsync(_dataDirectory);
        var again = after.Client("eu-west-3");
        var arn = (string)paused["serviceDeploymentArn"]!;

        // A few scheduling rounds of the new server: the deployment is still held, green still not started.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var kept = await Ecs.PausedDeployment.DescribeAsync(again, arn);
        Assert.Equal(("IN_PROGRESS", "PRE_SCALE_UP"), ((string?)kept["status"], (string?)kept["lifecycleStage"]));
        JsonAssert.Equal(paused["lifecycleHookDetails"]!.ToJsonString(), kept["lifecycleHookDetails"]);
        Assert.Single((await again.OkAsync("ListTasks", new { cluster = "paused" }))["taskArns"]!.AsArray());
        var hookId = (string)kept["lifecycleHookDetails"]![0]!["hookId"]!;
        await again.OkAsync("ContinueServiceDeployment", new { serviceDeploymentArn = arn, hookId });
        await Eventually.ReadAsync(() => again.OkAsync("ListTasks", new { cluster = "paused" }), t => t["taskArns"]!.AsArray().Count == 2);
    }

    private static Task<System.Text.Json.Nodes.JsonNode> RegisterAsync(EcsClient ecs) =>
        ecs.OkAsync("RegisterTaskDefinition", new { family = "web", containerDefinitions = new[] { new { name = "web", image = "nginx", memory = 64 } } });

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);
}
