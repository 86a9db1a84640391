using System.Text.Json.Nodes;

namespace Berth.Api.Tests.Ecs;

/// <summary>
/// Container instances registered straight through the API, as an agent would register them, so placement
/// and the task API can be tested without Docker. The instance counts as connected until it misses heartbeats.
/// </summary>
internal static class ClusterCapacity
{
    public static async Task<string> RegisterInstanceAsync(
        EcsClient ecs, string cluster, string instanceId, int cpu = 2048, int memory = 4096, string zone = "local-1a", object[]? attributes = null, object[]? tags = null)
    {
        var response = await ecs.OkAsync("RegisterContainerInstance", new
        {
            cluster,
            instanceIdentityDocument = $$"""{"instanceId":"{{instanceId}}","availabilityZone":"{{zone}}","hostAddress":"127.0.0.1"}""",
            totalResources = new object[]
            {
                new { name = "CPU", type = "INTEGER", integerValue = cpu },
                new { name = "MEMORY", type = "INTEGER", integerValue = memory },
                new { name = "PORTS", type = "STRINGSET", stringSetValue = new[] { "22" } },
            },
            attributes = attributes ?? [],
            tags = tags ?? [],
        });
        return (string)response["containerInstance"]!["containerInstanceArn"]!;
    }

    /// <summary>A new cluster and a small "web" revision (256 CPU, 256 MiB) for its services.</summary>
    public static async Task ClusterWithWebAsync(EcsClient ecs, string cluster)
    {
        await ecs.OkAsync("CreateCluster", new { clusterName = cluster });
        await RegisterWebAsync(ecs, "web", cpu: 256, memory: 256);
    }

    public static Task<JsonNode> RegisterWebAsync(EcsClient ecs, string family, int cpu = 512, int memory = 1024, int hostPort = 0) =>
        ecs.OkAsync("RegisterTaskDefinition", new
        {
            family,
            containerDefinitions = new[]
            {
                new { name = "web", image = "berth/sample-web", cpu, memory, portMappings = new[] { new { containerPort = 80, hostPort } } },
            },
        });

    public static int Resource(JsonNode instance, string list, string name) =>
        (int)instance[list]!.AsArray().Single(r => (string)r!["name"]! == name)!["integerValue"]!;
}
