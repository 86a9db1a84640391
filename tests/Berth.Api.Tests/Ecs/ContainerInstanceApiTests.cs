namespace Berth.Api.Tests.Ecs;

public class ContainerInstanceApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private readonly EcsClient _ecs = server.NewClient();

    [Fact]
    public async Task Registering_the_same_instance_id_again_keeps_one_instance_and_its_custom_attributes()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "rereg" });
        // Registration finds an instance by the index range of ids that start with its own: ids that only share a
        // prefix with it (before and after it in that order) are other instances.
        var longer = await ClusterCapacity.RegisterInstanceAsync(_ecs, "rereg", "i-same0");
        var first = await ClusterCapacity.RegisterInstanceAsync(_ecs, "rereg", "i-same");
        await _ecs.OkAsync("PutAttributes", new { cluster = "rereg", attributes = new[] { new { name = "stack", value = "prod", targetId = first } } });

        var second = await ClusterCapacity.RegisterInstanceAsync(_ecs, "rereg", "i-same", memory: 8192);

        Assert.NotEqual(longer, first);
        Assert.Equal(first, second);
        var instances = (await _ecs.OkAsync("ListContainerInstances", new { cluster = "rereg" }))["containerInstanceArns"]!.AsArray();
        Assert.Equal(2, instances.Count);
        var listed = await _ecs.OkAsync("ListAttributes", new { cluster = "rereg", targetType = "container-instance", attributeName = "stack" });
        Assert.Equal("prod", (string)listed["attributes"]![0]!["value"]!);
        Assert.Equal(first, (string)listed["attributes"]![0]!["targetId"]!);
    }

    [Fact]
    public async Task ListContainerInstances_filters_with_the_cluster_query_language()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "query" });
        var a = await ClusterCapacity.RegisterInstanceAsync(_ecs, "query", "i-a", zone: "zone-a");
        await ClusterCapacity.RegisterInstanceAsync(_ecs, "query", "i-b", zone: "zone-b");

        var matched = await _ecs.OkAsync("ListContainerInstances", new { cluster = "query", filter = "attribute:ecs.availability-zone == zone-a" });

        Assert.Equal([a], matched["containerInstanceArns"]!.AsArray().Select(x => (string)x!));
        var (type, _) = await _ecs.ErrorAsync("ListContainerInstances", new { cluster = "query", filter = "attribute:x ==" });
        Assert.Equal("InvalidParameterException", type);
    }

    [Fact]
    public async Task An_instance_with_tasks_deregisters_only_with_force_and_its_tasks_are_then_stopped()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "dereg" });
        var instance = await ClusterCapacity.RegisterInstanceAsync(_ecs, "dereg", "i-dereg");
        await ClusterCapacity.RegisterWebAsync(_ecs, "deregweb", cpu: 10, memory: 10);
        var task = (string)(await _ecs.OkAsync("RunTask", new { cluster = "dereg", taskDefinition = "deregweb" }))["tasks"]![0]!["taskArn"]!;

        var (type, _) = await _ecs.ErrorAsync("DeregisterContainerInstance", new { cluster = "dereg", containerInstance = instance });
        var deregistered = await _ecs.OkAsync("DeregisterContainerInstance", new { cluster = "dereg", containerInstance = instance, force = true });

        Assert.Equal("InvalidParameterException", type);
        Assert.Equal("INACTIVE", (string)deregistered["containerInstance"]!["status"]!);
        var described = (await _ecs.OkAsync("DescribeTasks", new { cluster = "dereg", tasks = new[] { task } }))["tasks"]![0]!;
        Assert.Equal("STOPPED", (string)described["lastStatus"]!);
        Assert.Empty((await _ecs.OkAsync("ListContainerInstances", new { cluster = "dereg" }))["containerInstanceArns"]!.AsArray());
    }

    [Fact]
    public async Task Registration_needs_an_active_cluster_and_an_identity()
    {
        var (missing, _) = await _ecs.ErrorAsync("RegisterContainerInstance", new { cluster = "nowhere", instanceIdentityDocument = "{}" });
        await _ecs.OkAsync("CreateCluster", new { clusterName = "identity" });
        var (bad, _) = await _ecs.ErrorAsync("RegisterContainerInstance", new { cluster = "identity", instanceIdentityDocument = "not json" });

        Assert.Equal("ClusterNotFoundException", missing);
        Assert.Equal("InvalidParameterException", bad);
    }
}
