using System.Globalization;
using Berth.Agent.Tests.Support;
using Berth.Core.Ecs;
using Xunit.Abstractions;

namespace Berth.Agent.Tests.Tasks;

/// <summary>dependsOn on the real engine: start order, and a condition that can never be met.</summary>
public sealed class DependencyOrderTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_SUCCESS_dependency_runs_to_completion_before_the_dependent_starts()
    {
        await using var h = await AgentHarness.StartAsync(output);
        var task = TestTasks.Assignment("ordered", "bridge",
            TestTasks.Web("app") with { DependsOn = [new ContainerDependency { ContainerName = "init", Condition = "SUCCESS" }] },
            TestTasks.Tools("init", "sleep 1; exit 0", essential: false));

        var running = await h.RunUntilAsync(task, "RUNNING");

        var init = running.Containers.Single(c => c.Name == "init");
        var app = running.Containers.Single(c => c.Name == "app");
        Assert.Equal("STOPPED", init.LastStatus);
        Assert.Equal(0, init.ExitCode);
        Assert.Equal("RUNNING", app.LastStatus);
        var initState = (await DockerEnvironment.Client.Containers.InspectContainerAsync(init.RuntimeId!)).State!;
        var appState = (await DockerEnvironment.Client.Containers.InspectContainerAsync(app.RuntimeId!)).State!;
        Assert.True(Parse(appState.StartedAt) >= Parse(initState.FinishedAt),
            $"app started at {appState.StartedAt}, before init finished at {initState.FinishedAt}");
    }

    [Fact]
    public async Task A_dependency_that_can_never_be_met_fails_the_task_without_starting_the_dependent()
    {
        await using var h = await AgentHarness.StartAsync(output);
        var task = TestTasks.Assignment("unmet", "bridge",
            TestTasks.Tools("init", "exit 1", essential: false),
            TestTasks.Web("app") with { DependsOn = [new ContainerDependency { ContainerName = "init", Condition = "SUCCESS" }] });

        var stopped = await h.RunUntilAsync(task, "STOPPED");

        Assert.Equal("TaskFailedToStart", stopped.StopCode);
        Assert.Contains("can never be met", stopped.StoppedReason, StringComparison.Ordinal);
        Assert.Contains("exited with code 1", stopped.StoppedReason, StringComparison.Ordinal);
        Assert.Equal(1, stopped.Containers.Single(c => c.Name == "init").ExitCode);
        Assert.Null(stopped.Containers.Single(c => c.Name == "app").RuntimeId);
    }

    private static DateTimeOffset Parse(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
}
