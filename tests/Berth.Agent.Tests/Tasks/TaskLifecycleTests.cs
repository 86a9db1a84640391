using System.Diagnostics;
using Berth.Agent.Tests.Support;
using Berth.Core.Agent;
using Berth.Core.Ecs;
using Xunit.Abstractions;

namespace Berth.Agent.Tests.Tasks;

/// <summary>A task's life on the real Docker engine: RUNNING with its ports, STOPPED for each reason ECS knows.</summary>
public sealed class TaskLifecycleTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Web_task_runs_on_an_ephemeral_host_port_serves_http_and_stops_when_told()
    {
        await using var h = await AgentHarness.StartAsync(output);
        var task = TestTasks.Assignment("web", "bridge", TestTasks.Web());
        var arn = task.Task.TaskArn!;

        var clock = Stopwatch.StartNew();
        var running = await h.RunUntilAsync(task, "RUNNING");
        output.WriteLine($"assignment → RUNNING report: {clock.ElapsedMilliseconds} ms");

        var web = Assert.Single(running.Containers);
        Assert.Equal("RUNNING", web.LastStatus);
        Assert.NotNull(running.PullStartedAt);
        Assert.NotNull(running.PullStoppedAt);
        Assert.NotNull(running.StartedAt);
        var binding = Assert.Single(web.NetworkBindings!, b => b.BindIP == "0.0.0.0");
        Assert.Equal(80, binding.ContainerPort);
        Assert.Equal("tcp", binding.Protocol);
        Assert.InRange(binding.HostPort!.Value, 1024, 65535);

        var body = await Waits.HttpGetAsync($"http://127.0.0.1:{binding.HostPort}/");
        Assert.Contains("hello from berth/sample-web", body, StringComparison.Ordinal);

        var inspect = await DockerEnvironment.Client.Containers.InspectContainerAsync(web.RuntimeId!);
        Assert.Matches("^/ecs-web-1-web-[0-9a-f]{20}$", inspect.Name);
        Assert.Equal(arn, inspect.Config!.Labels![DockerLabels.TaskArn]);
        Assert.Equal("web", inspect.Config!.Labels![DockerLabels.ContainerName]);
        Assert.Equal("web", inspect.Config!.Labels![DockerLabels.TaskDefinitionFamily]);
        Assert.Equal("1", inspect.Config!.Labels![DockerLabels.TaskDefinitionVersion]);
        Assert.Equal(h.Namespace, inspect.Config!.Labels![DockerLabels.AgentNamespace]);
        Assert.Equal(2, inspect.HostConfig!.CPUShares); // cpu unset → ECS's minimum of 2 shares
        Assert.Equal(64L * 1024 * 1024, inspect.HostConfig.Memory);
        Assert.Contains(inspect.Config!.Env!, e => e.StartsWith("ECS_CONTAINER_METADATA_URI_V4=http://", StringComparison.Ordinal));

        h.Server.SetDesiredStatus(arn, "STOPPED");
        var stopped = await h.Server.WaitForReportAsync(arn, r => r.LastStatus == "STOPPED", Timeout);
        Assert.Null(stopped.StopCode); // the control plane decided, and keeps its own reason
        Assert.NotNull(stopped.ExecutionStoppedAt);
        var stoppedWeb = Assert.Single(stopped.Containers);
        Assert.Equal("STOPPED", stoppedWeb.LastStatus);
        Assert.Equal(0, stoppedWeb.ExitCode); // sample-web exits 0 on SIGTERM

        // Once the server stops listing the task its containers go.
        h.Server.Unassign(arn);
        await Waits.UntilContainerGoneAsync(web.RuntimeId!);
    }

    [Fact]
    public async Task Essential_container_exit_stops_the_task_with_its_exit_code()
    {
        await using var h = await AgentHarness.StartAsync(output);
        var task = TestTasks.Assignment("exit", "bridge",
            TestTasks.Tools("main", "exit 3"),
            TestTasks.Tools("sidecar", "", essential: false) with { Command = ["sleep", "1000"], StopTimeout = 1 });

        var stopped = await h.RunUntilAsync(task, "STOPPED");

        Assert.Equal("Essential container in task exited", stopped.StoppedReason);
        Assert.Equal("EssentialContainerExited", stopped.StopCode);
        var main = stopped.Containers.Single(c => c.Name == "main");
        Assert.Equal("STOPPED", main.LastStatus);
        Assert.Equal(3, main.ExitCode);
        Assert.Equal("STOPPED", stopped.Containers.Single(c => c.Name == "sidecar").LastStatus);
        Assert.NotNull(stopped.ExecutionStoppedAt);
    }

    [Fact]
    public async Task A_container_ignoring_SIGTERM_is_killed_after_its_stop_timeout()
    {
        await using var h = await AgentHarness.StartAsync(output);
        // PID 1 `sleep` has no SIGTERM handler, so only SIGKILL ends it.
        var task = TestTasks.Assignment("stubborn", "bridge",
            TestTasks.Tools("sleeper", "") with { Command = ["sleep", "1000"], StopTimeout = 2 });
        await h.RunUntilAsync(task, "RUNNING");

        var clock = Stopwatch.StartNew();
        h.Server.SetDesiredStatus(task.Task.TaskArn!, "STOPPED");
        var stopped = await h.Server.WaitForReportAsync(task.Task.TaskArn!, r => r.LastStatus == "STOPPED", Timeout);
        clock.Stop();
        output.WriteLine($"desired STOPPED → STOPPED report: {clock.ElapsedMilliseconds} ms");

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.8), TimeSpan.FromSeconds(10));
        Assert.Equal(137, stopped.Containers.Single().ExitCode); // 128 + SIGKILL
    }

    [Fact]
    public async Task Missing_image_that_cannot_be_pulled_fails_the_task_with_CannotPullContainerError()
    {
        await using var h = await AgentHarness.StartAsync(output);
        var image = $"berth/does-not-exist-{Guid.NewGuid():N}:latest";
        var task = TestTasks.Assignment("missing", "bridge", new ContainerDefinition { Name = "app", Image = image, Essential = true, Memory = 32 });

        var stopped = await h.RunUntilAsync(task, "STOPPED");

        Assert.StartsWith("CannotPullContainerError:", stopped.StoppedReason, StringComparison.Ordinal);
        Assert.Contains($"docker.io/{image}", stopped.StoppedReason, StringComparison.Ordinal);
        Assert.Equal("TaskFailedToStart", stopped.StopCode);
        var app = Assert.Single(stopped.Containers);
        Assert.Equal("STOPPED", app.LastStatus);
        Assert.StartsWith("CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref", app.Reason, StringComparison.Ordinal);
        Assert.Null(app.RuntimeId);
        Assert.NotNull(stopped.PullStartedAt);
        Assert.NotNull(stopped.PullStoppedAt);
    }

    [Fact]
    public async Task A_container_Docker_cannot_start_fails_the_task_with_CannotStartContainerError()
    {
        await using var h = await AgentHarness.StartAsync(output);
        var task = TestTasks.Assignment("nostart", "bridge", TestTasks.Tools("app", "") with { Command = ["/no/such/binary"] });

        var stopped = await h.RunUntilAsync(task, "STOPPED");

        Assert.Equal("TaskFailedToStart", stopped.StopCode);
        Assert.StartsWith("CannotStartContainerError:", stopped.StoppedReason, StringComparison.Ordinal);
        var app = Assert.Single(stopped.Containers);
        Assert.NotNull(app.RuntimeId);
        Assert.StartsWith("CannotStartContainerError:", app.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Privileged_container_fails_the_task_unless_the_agent_allows_it()
    {
        await using var h = await AgentHarness.StartAsync(output);
        var task = TestTasks.Assignment("priv", "bridge", TestTasks.Tools("root", "sleep 1") with { Privileged = true });

        var stopped = await h.RunUntilAsync(task, "STOPPED");

        Assert.Equal("TaskFailedToStart", stopped.StopCode);
        Assert.Contains("AllowPrivileged", stopped.StoppedReason, StringComparison.Ordinal);
        Assert.Null(Assert.Single(stopped.Containers).RuntimeId);
    }
}
