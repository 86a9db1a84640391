using System.Text.Json;
using Berth.Agent.Tests.Support;
using Xunit.Abstractions;

namespace Berth.Agent.Tests.Metadata;

/// <summary>The task metadata endpoint v4, reached from inside a container and from the host.</summary>
public sealed class MetadataEndpointTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Containers_reach_their_metadata_and_it_describes_the_container_and_the_task()
    {
        await using var h = await AgentHarness.StartAsync(output);
        var task = TestTasks.Assignment("meta", "bridge",
            TestTasks.Web("web"),
            TestTasks.Tools("probe", """wget -q -O /tmp/task "$ECS_CONTAINER_METADATA_URI_V4/task" && grep -q '"TaskARN"' /tmp/task || exit 7""", essential: false));
        var arn = task.Task.TaskArn!;
        h.Server.Assign(task);

        // The probe exits 0 only if it could read its task's metadata through the URI it was given.
        var probed = await h.Server.WaitForReportAsync(arn, r => r.Containers.Single(c => c.Name == "probe").LastStatus == "STOPPED", TimeSpan.FromSeconds(30));
        Assert.Equal(0, probed.Containers.Single(c => c.Name == "probe").ExitCode);

        var running = await h.Server.WaitForReportAsync(arn, r => r.LastStatus == "RUNNING", TimeSpan.FromSeconds(30));
        var web = running.Containers.Single(c => c.Name == "web");
        var env = (await DockerEnvironment.Client.Containers.InspectContainerAsync(web.RuntimeId!)).Config!.Env!;
        var uri = env.Single(e => e.StartsWith("ECS_CONTAINER_METADATA_URI_V4=", StringComparison.Ordinal)).Split('=', 2)[1];
        Assert.StartsWith(h.Agent!.MetadataEndpoint + "/v4/", uri, StringComparison.Ordinal);
        Assert.Contains(env, e => e.StartsWith("ECS_CONTAINER_METADATA_URI=" + h.Agent.MetadataEndpoint + "/v3/", StringComparison.Ordinal));

        using (var container = JsonDocument.Parse(await Waits.HttpGetAsync(uri)))
        {
            var root = container.RootElement;
            Assert.Equal(web.RuntimeId, root.GetProperty("DockerId").GetString());
            Assert.Equal("web", root.GetProperty("Name").GetString());
            Assert.StartsWith("ecs-meta-1-web-", root.GetProperty("DockerName").GetString(), StringComparison.Ordinal);
            Assert.Equal("RUNNING", root.GetProperty("KnownStatus").GetString());
            Assert.Equal("RUNNING", root.GetProperty("DesiredStatus").GetString());
            Assert.Equal(TestTasks.WebImage, root.GetProperty("Image").GetString());
            Assert.Equal("bridge", root.GetProperty("Networks")[0].GetProperty("NetworkMode").GetString());
            Assert.Equal(web.NetworkBindings![0].HostPort, root.GetProperty("Ports")[0].GetProperty("HostPort").GetInt32());
            Assert.Equal(task.Task.Containers![0].ContainerArn, root.GetProperty("ContainerARN").GetString());
        }
        using (var taskDoc = JsonDocument.Parse(await Waits.HttpGetAsync(uri + "/task")))
        {
            var root = taskDoc.RootElement;
            Assert.Equal(arn, root.GetProperty("TaskARN").GetString());
            Assert.Equal("meta", root.GetProperty("Family").GetString());
            Assert.Equal("1", root.GetProperty("Revision").GetString());
            Assert.Equal("EC2", root.GetProperty("LaunchType").GetString());
            Assert.Equal(2, root.GetProperty("Containers").GetArrayLength());
        }
        using (var stats = JsonDocument.Parse(await Waits.HttpGetAsync(uri + "/stats")))
        {
            Assert.True(stats.RootElement.TryGetProperty("memory_stats", out _), "Docker stats JSON expected");
        }
        using (var taskStats = JsonDocument.Parse(await Waits.HttpGetAsync(uri + "/task/stats")))
        {
            Assert.True(taskStats.RootElement.GetProperty(web.RuntimeId!).TryGetProperty("cpu_stats", out _));
        }

        using var http = new HttpClient();
        var unknown = await http.GetAsync(new Uri(h.Agent.MetadataEndpoint + "/v4/not-a-token/task"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
