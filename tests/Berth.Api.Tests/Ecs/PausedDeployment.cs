using System.Text.Json.Nodes;

namespace Berth.Api.Tests.Ecs;

/// <summary>
/// A BLUE_GREEN service (no load balancer) whose first deployment completed at zero tasks and then runs one PENDING
/// task (instances registered through the API, no agent), updated to a new revision with a PAUSE hook at PRE_SCALE_UP
/// (timeout 60 minutes, action CONTINUE): the new deployment waits there with green's tasks held back.
/// </summary>
internal static class PausedDeployment
{
    /// <summary>Sets it up and returns the new service deployment as DescribeServiceDeployments shows it while paused.</summary>
    public static async Task<JsonNode> StartAsync(EcsClient ecs, string cluster)
    {
        await ecs.OkAsync("CreateCluster", new { clusterName = cluster });
        await ClusterCapacity.RegisterWebAsync(ecs, "web", cpu: 256, memory: 256);
        await ecs.OkAsync("CreateService", new { cluster, serviceName = "web", taskDefinition = "web", desiredCount = 0 });
        await Eventually.ReadAsync(() => ListAsync(ecs, cluster), l => l.Count == 1 && (string)l[0]!["status"]! == "SUCCESSFUL");
        await ClusterCapacity.RegisterInstanceAsync(ecs, cluster, $"i-{cluster}");
        await ClusterCapacity.RegisterWebAsync(ecs, "web", cpu: 256, memory: 256);
        await ecs.OkAsync("UpdateService", new { cluster, service = "web", desiredCount = 1 });
        await Eventually.ReadAsync(() => ecs.OkAsync("ListTasks", new { cluster }), t => t["taskArns"]!.AsArray().Count == 1);

        await ecs.OkAsync("UpdateService", new
        {
            cluster,
            service = "web",
            taskDefinition = "web:2",
            deploymentConfiguration = new
            {
                strategy = "BLUE_GREEN",
                lifecycleHooks = new[] { new { targetType = "PAUSE", lifecycleStages = new[] { "PRE_SCALE_UP" }, timeoutConfiguration = new { timeoutInMinutes = 60, action = "CONTINUE" } } },
            },
        });
        var arn = (string)(await Eventually.ReadAsync(() => ListAsync(ecs, cluster), l => l.Count == 2))[0]!["serviceDeploymentArn"]!;
        return await Eventually.ReadAsync(() => DescribeAsync(ecs, arn), d => d["lifecycleHookDetails"] is JsonArray { Count: 1 });
    }

    public static async Task<JsonNode> DescribeAsync(EcsClient ecs, string arn) =>
        (await ecs.OkAsync("DescribeServiceDeployments", new { serviceDeploymentArns = new[] { arn } }))["serviceDeployments"]![0]!;

    private static async Task<JsonArray> ListAsync(EcsClient ecs, string cluster) =>
        (await ecs.OkAsync("ListServiceDeployments", new { cluster, service = "web" }))["serviceDeployments"]!.AsArray();
}
