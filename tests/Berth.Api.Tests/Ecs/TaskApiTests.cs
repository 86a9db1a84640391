using System.Text.Json.Nodes;

namespace Berth.Api.Tests.Ecs;

public class TaskApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private readonly EcsClient _ecs = server.NewClient();

    private async Task<string> ClusterWithOneInstanceAsync(string cluster, int cpu = 2048, int memory = 4096)
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = cluster });
        return await ClusterCapacity.RegisterInstanceAsync(_ecs, cluster, $"i-{cluster}", cpu, memory);
    }

    private async Task<JsonNode> DescribeInstanceAsync(string cluster, string arn) =>
        (await _ecs.OkAsync("DescribeContainerInstances", new { cluster, containerInstances = new[] { arn } }))["containerInstances"]![0]!;

    [Fact]
    public async Task RunTask_places_pending_tasks_and_reserves_their_resources()
    {
        var instance = await ClusterWithOneInstanceAsync("run");
        await ClusterCapacity.RegisterWebAsync(_ecs, "web");

        var run = await _ecs.OkAsync("RunTask", new { cluster = "run", taskDefinition = "web", count = 3, startedBy = "me" });

        Assert.Empty(run["failures"]!.AsArray());
        var tasks = run["tasks"]!.AsArray();
        Assert.Equal(3, tasks.Count);
        foreach (var task in tasks)
        {
            Assert.Equal("PENDING", (string)task!["lastStatus"]!);
            Assert.Equal("RUNNING", (string)task["desiredStatus"]!);
            Assert.Equal(instance, (string)task["containerInstanceArn"]!);
            Assert.Equal("family:web", (string)task["group"]!);
            Assert.Equal("me", (string)task["startedBy"]!);
            Assert.StartsWith($"{_ecs.ArnPrefix}:task/run/", (string)task["taskArn"]!);
        }
        var described = await DescribeInstanceAsync("run", instance);
        Assert.Equal(2048 - (3 * 512), ClusterCapacity.Resource(described, "remainingResources", "CPU"));
        Assert.Equal(4096 - (3 * 1024), ClusterCapacity.Resource(described, "remainingResources", "MEMORY"));
        Assert.Equal(3, (int)described["pendingTasksCount"]!);
        var cluster = (await _ecs.OkAsync("DescribeClusters", new { clusters = new[] { "run" } }))["clusters"]![0]!;
        Assert.Equal(3, (int)cluster["pendingTasksCount"]!);
    }

    [Fact]
    public async Task A_task_that_does_not_fit_is_a_failure_with_the_resource_that_ran_out()
    {
        var instance = await ClusterWithOneInstanceAsync("full", cpu: 1024, memory: 8192);
        await ClusterCapacity.RegisterWebAsync(_ecs, "big", cpu: 768, memory: 256);

        var run = await _ecs.OkAsync("RunTask", new { cluster = "full", taskDefinition = "big", count = 2 });

        Assert.Single(run["tasks"]!.AsArray());
        var failure = Assert.Single(run["failures"]!.AsArray())!;
        Assert.Equal("RESOURCE:CPU", (string)failure["reason"]!);
        Assert.Equal(instance, (string)failure["arn"]!);
    }

    [Fact]
    public async Task A_fixed_host_port_can_be_taken_once_per_instance()
    {
        await ClusterWithOneInstanceAsync("ports");
        await ClusterCapacity.RegisterWebAsync(_ecs, "fixed", cpu: 10, memory: 10, hostPort: 8080);

        var run = await _ecs.OkAsync("RunTask", new { cluster = "ports", taskDefinition = "fixed", count = 2 });

        Assert.Single(run["tasks"]!.AsArray());
        Assert.Equal("RESOURCE:PORTS", (string)run["failures"]![0]!["reason"]!);
    }

    [Fact]
    public async Task Concurrent_RunTask_calls_share_an_instances_room_and_ports_without_overbooking_it()
    {
        // Calls that wait on one cluster are placed in one batch and commit (TurnBatches): each plans on the room
        // and ports the ones before it in the batch took.
        var instance = await ClusterWithOneInstanceAsync("crowd");
        await ClusterCapacity.RegisterWebAsync(_ecs, "quarter", cpu: 500, memory: 256);
        await ClusterCapacity.RegisterWebAsync(_ecs, "port", cpu: 10, memory: 10, hostPort: 8080);

        var runs = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _ecs.OkAsync("RunTask", new { cluster = "crowd", taskDefinition = "quarter" })));
        var ported = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _ecs.OkAsync("RunTask", new { cluster = "crowd", taskDefinition = "port" })));

        Assert.Equal(4, runs.Sum(r => r["tasks"]!.AsArray().Count));
        Assert.All(runs.SelectMany(r => r["failures"]!.AsArray()), f => Assert.Equal("RESOURCE:CPU", (string)f!["reason"]!));
        Assert.Equal(1, ported.Sum(r => r["tasks"]!.AsArray().Count));
        Assert.Equal(3, ported.Sum(r => r["failures"]!.AsArray().Count));
        var described = await DescribeInstanceAsync("crowd", instance);
        Assert.Equal(2048 - (4 * 500) - 10, ClusterCapacity.Resource(described, "remainingResources", "CPU"));
        Assert.Equal(5, (int)described["pendingTasksCount"]!);
    }

    [Fact]
    public async Task RunTask_without_instances_is_refused_as_ECS_does()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "empty" });
        await ClusterCapacity.RegisterWebAsync(_ecs, "lonely");

        var (type, message) = await _ecs.ErrorAsync("RunTask", new { cluster = "empty", taskDefinition = "lonely" });

        Assert.Equal("InvalidParameterException", type);
        Assert.Equal("No Container Instances were found in your cluster.", message);
    }

    [Fact]
    public async Task StopTask_sets_desired_stopped_with_the_reason_and_ListTasks_follows_desired_status()
    {
        await ClusterWithOneInstanceAsync("stop");
        await ClusterCapacity.RegisterWebAsync(_ecs, "stopme", cpu: 10, memory: 10);
        var arns = (await _ecs.OkAsync("RunTask", new { cluster = "stop", taskDefinition = "stopme", count = 2 }))["tasks"]!
            .AsArray().Select(t => (string)t!["taskArn"]!).ToList();

        var stopped = (await _ecs.OkAsync("StopTask", new { cluster = "stop", task = arns[0].Split('/')[^1], reason = "done" }))["task"]!;

        Assert.Equal("STOPPED", (string)stopped["desiredStatus"]!);
        Assert.Equal("done", (string)stopped["stoppedReason"]!);
        Assert.Equal("UserInitiated", (string)stopped["stopCode"]!);
        var running = (await _ecs.OkAsync("ListTasks", new { cluster = "stop" }))["taskArns"]!.AsArray().Select(a => (string)a!);
        Assert.Equal([arns[1]], running);
        var stopping = (await _ecs.OkAsync("ListTasks", new { cluster = "stop", desiredStatus = "STOPPED" }))["taskArns"]!.AsArray().Select(a => (string)a!);
        Assert.Equal([arns[0]], stopping);
        Assert.Empty((await _ecs.OkAsync("ListTasks", new { cluster = "stop", family = "other" }))["taskArns"]!.AsArray());
    }

    [Fact]
    public async Task DescribeTasks_reports_unknown_tasks_as_missing_and_StopTask_refuses_them()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "ghosts" });

        var described = await _ecs.OkAsync("DescribeTasks", new { cluster = "ghosts", tasks = new[] { "0123456789abcdef" } });

        Assert.Empty(described["tasks"]!.AsArray());
        Assert.Equal("MISSING", (string)described["failures"]![0]!["reason"]!);
        Assert.Equal($"{_ecs.ArnPrefix}:task/ghosts/0123456789abcdef", (string)described["failures"]![0]!["arn"]!);
        var (type, _) = await _ecs.ErrorAsync("StopTask", new { cluster = "ghosts", task = "0123456789abcdef" });
        Assert.Equal("InvalidParameterException", type);
    }

    [Fact]
    public async Task A_DRAINING_instance_gets_no_new_tasks_and_a_cluster_with_instances_cannot_be_deleted()
    {
        var instance = await ClusterWithOneInstanceAsync("drain");
        await ClusterCapacity.RegisterWebAsync(_ecs, "drainweb", cpu: 10, memory: 10);

        var updated = await _ecs.OkAsync("UpdateContainerInstancesState", new { cluster = "drain", containerInstances = new[] { instance }, status = "DRAINING" });
        var run = await _ecs.OkAsync("RunTask", new { cluster = "drain", taskDefinition = "drainweb" });

        Assert.Equal("DRAINING", (string)updated["containerInstances"]![0]!["status"]!);
        Assert.Empty(run["tasks"]!.AsArray());
        Assert.Single(run["failures"]!.AsArray());
        var (type, _) = await _ecs.ErrorAsync("DeleteCluster", new { cluster = "drain" });
        Assert.Equal("ClusterContainsContainerInstancesException", type);
    }

    [Fact]
    public async Task Launch_types_berth_does_not_run_are_refused_clearly()
    {
        await ClusterWithOneInstanceAsync("refuse");
        await ClusterCapacity.RegisterWebAsync(_ecs, "refused", cpu: 10, memory: 10);

        Assert.Equal("UnsupportedFeatureException", (await _ecs.ErrorAsync("RunTask", new { cluster = "refuse", taskDefinition = "refused", launchType = "EXTERNAL" })).Type);
        Assert.Equal("InvalidParameterException", (await _ecs.ErrorAsync("RunTask", new { cluster = "refuse", taskDefinition = "refused", count = 11 })).Type);
        var ebs = new[] { new { name = "data", managedEBSVolume = new { roleArn = "arn:aws:iam::000000000000:role/ebs", sizeInGiB = 10 } } };
        Assert.Equal("UnsupportedFeatureException", (await _ecs.ErrorAsync("RunTask", new { cluster = "refuse", taskDefinition = "refused", volumeConfigurations = ebs })).Type);
        Assert.Equal("UnsupportedFeatureException",
            (await _ecs.ErrorAsync("StartTask", new { cluster = "refuse", taskDefinition = "refused", containerInstances = new[] { "i-refuse" }, volumeConfigurations = ebs })).Type);
    }
}
