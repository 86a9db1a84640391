using System.Text.Json.Nodes;

namespace Berth.Api.Tests.Ecs;

/// <summary>
/// UpdateTaskProtection and GetTaskProtection over HTTP, and the service scheduler honouring them. Instances are
/// registered through the API (no agent), so service tasks stay PENDING — enough for scale-in to act on.
/// </summary>
public class TaskProtectionApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private readonly EcsClient _ecs = server.NewClient();

    private async Task<IReadOnlyList<string>> ServiceWithTasksAsync(string cluster, int count)
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = cluster });
        await ClusterCapacity.RegisterInstanceAsync(_ecs, cluster, $"i-{cluster}", cpu: 4096, memory: 8192);
        await ClusterCapacity.RegisterWebAsync(_ecs, "web", cpu: 256, memory: 256);
        await _ecs.OkAsync("CreateService", new { cluster, serviceName = "web", taskDefinition = "web", desiredCount = count });
        return await Eventually.ReadAsync(() => RunningTaskArnsAsync(cluster), arns => arns.Count == count);
    }

    private async Task<IReadOnlyList<string>> RunningTaskArnsAsync(string cluster) =>
        [.. (await _ecs.OkAsync("ListTasks", new { cluster, serviceName = "web" }))["taskArns"]!.AsArray().Select(a => (string)a!).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Protection_is_answered_with_its_expiry_and_read_back()
    {
        var tasks = await ServiceWithTasksAsync("protect-read", 1);
        var before = DateTimeOffset.UtcNow;

        var updated = await _ecs.OkAsync("UpdateTaskProtection",
            new { cluster = "protect-read", tasks = new[] { tasks[0] }, protectionEnabled = true, expiresInMinutes = 30 });
        var read = await _ecs.OkAsync("GetTaskProtection", new { cluster = "protect-read", tasks = new[] { tasks[0].Split('/')[^1] } });

        foreach (var answer in new[] { updated, read })
        {
            var entry = Assert.Single(answer["protectedTasks"]!.AsArray())!;
            Assert.Equal(tasks[0], (string)entry["taskArn"]!);
            Assert.True((bool)entry["protectionEnabled"]!);
            var expires = DateTimeOffset.FromUnixTimeMilliseconds((long)((double)entry["expirationDate"]! * 1000));
            Assert.InRange(expires, before.AddMinutes(30).AddSeconds(-1), DateTimeOffset.UtcNow.AddMinutes(30).AddSeconds(1));
            Assert.Empty(answer["failures"]!.AsArray());
        }

        var cleared = await _ecs.OkAsync("UpdateTaskProtection", new { cluster = "protect-read", tasks = new[] { tasks[0] }, protectionEnabled = false });
        var off = Assert.Single(cleared["protectedTasks"]!.AsArray())!;
        Assert.False((bool)off["protectionEnabled"]!);
        Assert.Null(off["expirationDate"]);
        var readOff = Assert.Single((await _ecs.OkAsync("GetTaskProtection", new { cluster = "protect-read", tasks = new[] { tasks[0] } }))["protectedTasks"]!.AsArray())!;
        Assert.False((bool)readOff["protectionEnabled"]!);
    }

    [Fact]
    public async Task Standalone_and_unknown_tasks_are_failures_not_errors()
    {
        await ServiceWithTasksAsync("protect-fail", 1);
        var standalone = (string)(await _ecs.OkAsync("RunTask", new { cluster = "protect-fail", taskDefinition = "web" }))["tasks"]![0]!["taskArn"]!;
        var unknown = $"{_ecs.ArnPrefix}:task/protect-fail/0123456789abcdef0123456789abcdef";

        var answer = await _ecs.OkAsync("UpdateTaskProtection",
            new { cluster = "protect-fail", tasks = new[] { standalone, unknown }, protectionEnabled = true });

        Assert.Empty(answer["protectedTasks"]!.AsArray());
        var failures = answer["failures"]!.AsArray();
        Assert.Equal([(standalone, "TASK_NOT_VALID"), (unknown, "MISSING")],
            failures.Select(f => ((string)f!["arn"]!, (string)f["reason"]!)).ToArray());
    }

    [Theory]
    [InlineData("""{"cluster":"protect-bad","tasks":[],"protectionEnabled":true}""")]
    [InlineData("""{"cluster":"protect-bad","tasks":["a","b","c","d","e","f","g","h","i","j","k"],"protectionEnabled":true}""")]
    [InlineData("""{"cluster":"protect-bad","tasks":["a"]}""")]
    [InlineData("""{"cluster":"protect-bad","tasks":["a"],"protectionEnabled":true,"expiresInMinutes":2881}""")]
    [InlineData("""{"cluster":"protect-bad","tasks":["a"],"protectionEnabled":true,"expiresInMinutes":0}""")]
    public async Task Invalid_updates_are_refused(string body)
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "protect-bad" });

        var (type, _) = await _ecs.ErrorAsync("UpdateTaskProtection", body);

        Assert.Equal("InvalidParameterException", type);
    }

    [Fact]
    public async Task Scale_in_passes_over_protected_tasks_until_protection_is_cleared()
    {
        var tasks = await ServiceWithTasksAsync("protect-scale", 3);
        await _ecs.OkAsync("UpdateTaskProtection", new { cluster = "protect-scale", tasks = new[] { tasks[0], tasks[1] }, protectionEnabled = true });

        await _ecs.OkAsync("UpdateService", new { cluster = "protect-scale", service = "web", desiredCount = 1 });
        var left = await Eventually.ReadAsync(() => RunningTaskArnsAsync("protect-scale"), arns => arns.Count < 3);
        // The scheduler keeps the protected pair, one more than desired, and stops only the unprotected task.
        Assert.Equal([tasks[0], tasks[1]], left);

        await _ecs.OkAsync("UpdateTaskProtection", new { cluster = "protect-scale", tasks = new[] { tasks[1] }, protectionEnabled = false });
        left = await Eventually.ReadAsync(() => RunningTaskArnsAsync("protect-scale"), arns => arns.Count < 2);
        Assert.Equal([tasks[0]], left);
    }
}
