using Berth.Agent.Tests.Support;
using Berth.Core.Ecs;
using Xunit.Abstractions;

namespace Berth.Agent.Tests.Tasks;

/// <summary>Container health checks become Docker health checks; their results are reported and gate HEALTHY dependencies.</summary>
public sealed class HealthCheckTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Health_checks_report_HEALTHY_and_UNHEALTHY_and_gate_a_HEALTHY_dependency()
    {
        await using var h = await AgentHarness.StartAsync(output);
        var task = TestTasks.Assignment("health", "bridge",
            TestTasks.Web("web") with
            {
                HealthCheck = new HealthCheck { Command = ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1/health || exit 1"], Interval = 1, Timeout = 2, Retries = 2 },
            },
            TestTasks.Tools("sick", "", essential: false) with
            {
                Command = ["sleep", "1000"],
                StopTimeout = 1,
                HealthCheck = new HealthCheck { Command = ["CMD-SHELL", "exit 1"], Interval = 1, Retries = 1 },
            },
            TestTasks.Tools("after", "", essential: false) with
            {
                Command = ["sleep", "1000"],
                StopTimeout = 1,
                DependsOn = [new ContainerDependency { ContainerName = "web", Condition = "HEALTHY" }],
            });
        var arn = task.Task.TaskArn!;

        var running = await h.RunUntilAsync(task, "RUNNING");
        Assert.Equal("HEALTHY", running.Containers.Single(c => c.Name == "web").HealthStatus);
        Assert.Equal("RUNNING", running.Containers.Single(c => c.Name == "after").LastStatus);
        Assert.Equal("UNKNOWN", running.Containers.Single(c => c.Name == "after").HealthStatus); // no health check

        // An unhealthy container is the scheduler's business, not a reason for the agent to stop the task.
        var unhealthy = await h.Server.WaitForReportAsync(arn,
            r => r.Containers.Single(c => c.Name == "sick").HealthStatus == "UNHEALTHY", TimeSpan.FromSeconds(20));
        Assert.Equal("RUNNING", unhealthy.Containers.Single(c => c.Name == "sick").LastStatus);
        Assert.Equal("RUNNING", h.Server.Reports.Last(r => r.TaskArn == arn).LastStatus);

        var web = running.Containers.Single(c => c.Name == "web");
        var config = (await DockerEnvironment.Client.Containers.InspectContainerAsync(web.RuntimeId!)).Config!.Healthcheck!;
        Assert.Equal(["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1/health || exit 1"], config.Test);
        Assert.Equal(TimeSpan.FromSeconds(1), config.Interval);
        Assert.Equal(TimeSpan.FromSeconds(2), config.Timeout);
        Assert.Equal(2, config.Retries);
    }
}
