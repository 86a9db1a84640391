using Berth.Agent.Tests.Support;
using Xunit.Abstractions;

namespace Berth.Agent.Tests.ControlPlane;

/// <summary>Reports survive a control plane that is down, and the task runs meanwhile.</summary>
public sealed class ReportDeliveryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Reports_are_retried_until_the_server_takes_them()
    {
        await using var h = await AgentHarness.StartAsync(output);
        h.Server.FailReports = true;
        var task = TestTasks.Assignment("outage", "bridge", TestTasks.Web());
        h.Server.Assign(task);

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!(await DockerEnvironment.Client.Containers.ListContainersAsync(new() { Filters = Filter(h.Namespace) })).Any())
        {
            Assert.True(DateTime.UtcNow < deadline, "the task should start while reports fail");
            await Task.Delay(100);
        }
        Assert.Empty(h.Server.Reports);

        h.Server.FailReports = false;
        var running = await h.Server.WaitForReportAsync(task.Task.TaskArn!, r => r.LastStatus == "RUNNING", TimeSpan.FromSeconds(30));
        Assert.Equal("RUNNING", running.Containers.Single().LastStatus);
    }

    private static Dictionary<string, IDictionary<string, bool>> Filter(string agentNamespace) =>
        new() { ["label"] = new Dictionary<string, bool> { [$"org.berth.agent={agentNamespace}"] = true } };
}
