using Berth.Agent.Tests.Support;
using Berth.Core.Ecs;
using Xunit.Abstractions;

namespace Berth.Agent.Tests.Tasks;

/// <summary>
/// A task manager carrying out a task's life against a fake Docker engine: which calls it makes in which order, what it
/// reports and saves, how it survives faults and a restart. The same lifecycles on the real engine are in
/// <see cref="TaskLifecycleTests"/>, <see cref="DependencyOrderTests"/> and the re-adoption tests.
/// </summary>
public sealed class TaskManagerTests(ITestOutputHelper output)
{
    private static ContainerDefinition Sleeper(string name, bool essential = true) => TestTasks.Tools(name, "", essential) with { Command = ["sleep", "1000"] };

    [Fact]
    public async Task A_task_is_pulled_created_started_and_reported_RUNNING_with_its_containers_ids_saved()
    {
        await using var host = new FakeTaskHost(output);
        var task = TestTasks.Assignment("web", "bridge", TestTasks.Web());
        host.Start(task);

        var running = await host.WaitForStatusAsync(task, "RUNNING");

        Assert.Equal([$"pull {TestTasks.WebImage}", "create web", "start web"], host.Docker.Actions);
        var id = host.Docker.IdOf(task.Task.TaskArn!, "web");
        Assert.Equal(id, Assert.Single(running.Containers).RuntimeId);
        Assert.Equal("RUNNING", running.Containers[0].LastStatus);
        Assert.NotNull(running.PullStartedAt);
        Assert.NotNull(running.StartedAt);
        var saved = host.State.Snapshot().Tasks[task.Task.TaskArn!];
        Assert.Equal("RUNNING", saved.KnownStatus);
        Assert.Equal(id, Assert.Single(saved.Containers).RuntimeId);
    }

    [Fact]
    public async Task A_dependent_is_created_only_after_its_SUCCESS_dependency_exited_0()
    {
        await using var host = new FakeTaskHost(output);
        var task = TestTasks.Assignment("ordered", "bridge",
            Sleeper("app") with { DependsOn = [new ContainerDependency { ContainerName = "init", Condition = "SUCCESS" }] },
            Sleeper("init", essential: false));
        host.Start(task);
        await host.WaitForReportAsync(task, r => r.Containers.Single(c => c.Name == "init").LastStatus == "RUNNING");
        Assert.DoesNotContain("create app", host.Docker.Actions);

        host.Docker.Exit(host.Docker.IdOf(task.Task.TaskArn!, "init"), 0);
        await host.WaitForStatusAsync(task, "RUNNING");

        var actions = host.Docker.Actions;
        Assert.True(actions.ToList().IndexOf("start init") < actions.ToList().IndexOf("create app"), string.Join(", ", actions));
    }

    [Fact]
    public async Task An_essential_exit_stops_the_others_dependents_first_and_reports_EssentialContainerExited()
    {
        await using var host = new FakeTaskHost(output);
        var task = TestTasks.Assignment("exit", "bridge",
            Sleeper("main"),
            Sleeper("db", essential: false) with { StopTimeout = 5 },
            Sleeper("app", essential: false) with { Links = ["db"], StopTimeout = 1 });
        host.Start(task);
        await host.WaitForStatusAsync(task, "RUNNING");

        host.Docker.Exit(host.Docker.IdOf(task.Task.TaskArn!, "main"), 3);
        var stopped = await host.WaitForStatusAsync(task, "STOPPED");

        Assert.Equal(("Essential container in task exited", "EssentialContainerExited"), (stopped.StoppedReason, stopped.StopCode));
        Assert.Equal(3, stopped.Containers.Single(c => c.Name == "main").ExitCode);
        Assert.All(stopped.Containers, c => Assert.Equal("STOPPED", c.LastStatus));
        Assert.Equal(["stop app 1s", "stop db 5s"], host.Docker.Actions.Where(a => a.StartsWith("stop ", StringComparison.Ordinal)));
        Assert.NotNull(stopped.ExecutionStoppedAt);
    }

    [Fact]
    public async Task A_container_with_a_restart_policy_is_started_again_in_place_until_it_exits_too_soon()
    {
        await using var host = new FakeTaskHost(output);
        var task = TestTasks.Assignment("restart", "bridge",
            Sleeper("main") with { RestartPolicy = new ContainerRestartPolicy { Enabled = true, RestartAttemptPeriod = 60 } });
        host.Start(task);
        await host.WaitForStatusAsync(task, "RUNNING");
        var id = host.Docker.IdOf(task.Task.TaskArn!, "main");

        host.Docker.Exit(id, 1, ranFor: TimeSpan.FromMinutes(2));
        await Waits.UntilAsync(() => host.Docker.Actions.Count(a => a == "start main") == 2, TimeSpan.FromSeconds(30));
        host.Docker.Exit(id, 4, ranFor: TimeSpan.Zero);
        var stopped = await host.WaitForStatusAsync(task, "STOPPED");

        Assert.Equal("EssentialContainerExited", stopped.StopCode);
        Assert.Equal(4, Assert.Single(stopped.Containers).ExitCode);
        Assert.Single(host.Docker.Actions, a => a == "create main");
        Assert.Equal(2, host.Docker.Actions.Count(a => a == "start main"));
    }

    [Fact]
    public async Task A_container_ignoring_SIGTERM_reports_the_SIGKILL_exit_code()
    {
        await using var host = new FakeTaskHost(output);
        host.Docker.IgnoreSigterm.Add("sleeper");
        var task = TestTasks.Assignment("stubborn", "bridge", Sleeper("sleeper") with { StopTimeout = 2 });
        var (manager, _) = host.Start(task);
        await host.WaitForStatusAsync(task, "RUNNING");

        manager.Update(task with { Task = task.Task with { DesiredStatus = "STOPPED" } });
        var stopped = await host.WaitForStatusAsync(task, "STOPPED");

        Assert.Null(stopped.StopCode);
        Assert.Equal(137, Assert.Single(stopped.Containers).ExitCode);
        Assert.Contains("stop sleeper 2s", host.Docker.Actions);
    }

    [Fact]
    public async Task An_image_that_cannot_be_pulled_fails_the_task_before_anything_is_created()
    {
        await using var host = new FakeTaskHost(output);
        var task = TestTasks.Assignment("missing", "bridge", new ContainerDefinition { Name = "app", Image = "berth/nope:latest", Essential = true, Memory = 32 });
        host.Start(task);

        var stopped = await host.WaitForStatusAsync(task, "STOPPED");

        Assert.Equal("TaskFailedToStart", stopped.StopCode);
        Assert.StartsWith("CannotPullContainerError:", stopped.StoppedReason, StringComparison.Ordinal);
        Assert.Null(Assert.Single(stopped.Containers).RuntimeId);
        Assert.Equal(["pull berth/nope:latest"], host.Docker.Actions);
    }

    [Fact]
    public async Task A_create_Docker_refuses_fails_the_task_with_CannotCreateContainerError()
    {
        await using var host = new FakeTaskHost(output);
        host.Docker.RefuseCreate = name => name == "app" ? "invalid mount config for type \"bind\"" : null;
        var task = TestTasks.Assignment("nocreate", "bridge", Sleeper("app"));
        host.Start(task);

        var stopped = await host.WaitForStatusAsync(task, "STOPPED");

        Assert.Equal(("CannotCreateContainerError: invalid mount config for type \"bind\"", "TaskFailedToStart"), (stopped.StoppedReason, stopped.StopCode));
        Assert.Empty(host.Docker.IdsOf(task.Task.TaskArn!, "app"));
    }

    [Fact]
    public async Task A_start_Docker_refuses_fails_the_task_and_the_other_containers_are_stopped()
    {
        await using var host = new FakeTaskHost(output);
        host.Docker.RefuseStart = name => name == "broken" ? "exec: \"/no/such/binary\": no such file or directory" : null;
        var task = TestTasks.Assignment("nostart", "bridge", Sleeper("broken"), Sleeper("fine", essential: false));
        host.Start(task);

        var stopped = await host.WaitForStatusAsync(task, "STOPPED");

        Assert.Equal("CannotStartContainerError: exec: \"/no/such/binary\": no such file or directory", stopped.StoppedReason);
        Assert.NotNull(stopped.Containers.Single(c => c.Name == "broken").RuntimeId);
        Assert.Equal("STOPPED", stopped.Containers.Single(c => c.Name == "fine").LastStatus);
    }

    [Fact]
    public async Task A_task_told_to_stop_and_then_unlisted_is_stopped_removed_and_finished_with()
    {
        await using var host = new FakeTaskHost(output);
        var task = TestTasks.Assignment("web", "bridge", [new Volume { Name = "scratch" }],
            TestTasks.Web() with { MountPoints = [new MountPoint { SourceVolume = "scratch", ContainerPath = "/scratch" }] });
        var (manager, run) = host.Start(task);
        await host.WaitForStatusAsync(task, "RUNNING");
        var token = Assert.Single(host.Runtime.MetadataTokens.Keys);
        Assert.Single(host.Docker.Volumes);

        manager.Update(task with { Task = task.Task with { DesiredStatus = "STOPPED" } });
        var stopped = await host.WaitForStatusAsync(task, "STOPPED");
        Assert.Equal(0, Assert.Single(stopped.Containers).ExitCode);
        Assert.Single(host.Docker.IdsOf(task.Task.TaskArn!, "web")); // kept for the cleanup wait, as ECS does

        manager.Unlist();
        await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Empty(host.Docker.IdsOf(task.Task.TaskArn!, "web"));
        Assert.Empty(host.Docker.Volumes);
        Assert.False(host.Runtime.MetadataTokens.ContainsKey(token));
    }

    [Fact]
    public async Task A_STOPPED_task_still_listed_is_cleaned_up_after_the_cleanup_wait_and_kept_managed()
    {
        await using var host = new FakeTaskHost(output, o => o with { TaskCleanupWait = TimeSpan.Zero });
        var task = TestTasks.Assignment("job", "bridge", Sleeper("job"));
        host.Docker.ExitOnStart["job"] = 0;
        var (_, run) = host.Start(task);

        await host.WaitForStatusAsync(task, "STOPPED");
        await WaitUntilAsync(() => host.Docker.Actions.Contains("remove job"));

        Assert.True(host.State.Snapshot().Tasks[task.Task.TaskArn!].CleanedUp);
        Assert.False(run.IsCompleted);
    }

    [Fact]
    public async Task An_unlisted_running_task_is_stopped_and_removed()
    {
        await using var host = new FakeTaskHost(output);
        var task = TestTasks.Assignment("gone", "bridge", Sleeper("sleeper"));
        var (manager, run) = host.Start(task);
        await host.WaitForStatusAsync(task, "RUNNING");

        manager.Unlist();
        await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(["stop sleeper 2s", "remove sleeper"], host.Docker.Actions.Skip(3));
    }

    [Fact]
    public async Task A_restarted_manager_adopts_the_running_containers_without_creating_or_starting_anything()
    {
        await using var host = new FakeTaskHost(output);
        var task = TestTasks.Assignment("keep", "bridge", TestTasks.Web(), Sleeper("sidecar", essential: false));
        host.Start(task);
        var first = await host.WaitForStatusAsync(task, "RUNNING");
        await host.StopManagersAsync();
        var actionsBefore = host.Docker.Actions.Count;
        var reportsBefore = host.Server.Reports.Count;

        host.Start(task, adopt: true);

        var again = await host.WaitForReportAsync(task, r => r.LastStatus == "RUNNING", reportsBefore);
        Assert.Equal(first.Containers.Select(c => c.RuntimeId), again.Containers.Select(c => c.RuntimeId));
        Assert.Equal(actionsBefore, host.Docker.Actions.Count);
    }

    [Fact]
    public async Task A_container_that_exited_while_the_manager_was_down_stops_its_task_after_the_restart()
    {
        await using var host = new FakeTaskHost(output);
        var task = TestTasks.Assignment("exited", "bridge", Sleeper("main"), Sleeper("sidecar", essential: false));
        host.Start(task);
        await host.WaitForStatusAsync(task, "RUNNING");
        await host.StopManagersAsync();

        host.Docker.Exit(host.Docker.IdOf(task.Task.TaskArn!, "main"), 2);
        host.Start(task, adopt: true);

        var stopped = await host.WaitForStatusAsync(task, "STOPPED");
        Assert.Equal("EssentialContainerExited", stopped.StopCode);
        Assert.Equal(2, stopped.Containers.Single(c => c.Name == "main").ExitCode);
    }

    [Fact]
    public async Task A_running_container_removed_behind_the_agents_back_is_STOPPED_with_DockerStateError_and_ends_the_task()
    {
        await using var host = new FakeTaskHost(output);
        var task = TestTasks.Assignment("vanish", "bridge", Sleeper("app"));
        host.Start(task);
        await host.WaitForStatusAsync(task, "RUNNING");

        host.Docker.RemoveOutside(host.Docker.IdOf(task.Task.TaskArn!, "app"));

        var stopped = await host.WaitForStatusAsync(task, "STOPPED");
        Assert.Equal("DockerStateError: the container was removed outside the agent", Assert.Single(stopped.Containers).Reason);
        Assert.Equal("EssentialContainerExited", stopped.StopCode); // it ran, so its end is an exit
    }

    [Fact]
    public async Task A_Docker_fault_in_one_create_is_retried_without_losing_or_duplicating_the_container_created_beside_it()
    {
        await using var host = new FakeTaskHost(output);
        var faults = 1;
        host.Docker.Fault = call => call == "create sidecar" && Interlocked.Decrement(ref faults) >= 0
            ? new HttpRequestException("Docker went away (scripted)")
            : null;
        var task = TestTasks.Assignment("faulty", "bridge", TestTasks.Web(), Sleeper("sidecar", essential: false));
        host.Start(task);

        var running = await host.WaitForStatusAsync(task, "RUNNING");

        Assert.Single(host.Docker.IdsOf(task.Task.TaskArn!, "web"));
        Assert.Single(host.Docker.IdsOf(task.Task.TaskArn!, "sidecar"));
        Assert.Equal(host.Docker.IdOf(task.Task.TaskArn!, "web"), running.Containers.Single(c => c.Name == "web").RuntimeId);
        Assert.Equal(1, host.Docker.Actions.Count(a => a == "create web"));
    }

    [Fact]
    public async Task A_start_that_changes_nothing_is_asked_again_after_the_resync_not_at_once()
    {
        await using var host = new FakeTaskHost(output);
        host.Docker.StartLeavesCreated.Add("app");
        var task = TestTasks.Assignment("stuck", "bridge", Sleeper("app"));
        host.Start(task);
        await host.WaitForReportAsync(task, r => r.Containers.Single().RuntimeId is not null);

        await Task.Delay(TimeSpan.FromSeconds(1));

        // The step after the create's progress and the create's event each ask once more; asking again at once after
        // a start that changed nothing would be a busy loop against Docker, thousands of starts a second.
        Assert.InRange(host.Docker.Actions.Count(a => a == "start app"), 1, 3);
    }

    [Fact]
    public async Task A_container_waiting_past_its_startTimeout_fails_the_task()
    {
        await using var host = new FakeTaskHost(output);
        var task = TestTasks.Assignment("waits", "bridge",
            Sleeper("app") with { StartTimeout = 1, DependsOn = [new ContainerDependency { ContainerName = "init", Condition = "COMPLETE" }] },
            Sleeper("init", essential: false));
        host.Start(task);

        var stopped = await host.WaitForStatusAsync(task, "STOPPED");

        Assert.Equal("Task failed to start: container 'app' timed out after 1 s waiting for COMPLETE of 'init'", stopped.StoppedReason);
        Assert.DoesNotContain("create app", host.Docker.Actions);
    }

    [Fact]
    public async Task An_awsvpc_task_whose_pause_image_cannot_be_pulled_fails_with_ResourceInitializationError()
    {
        await using var host = new FakeTaskHost(output, o => o with { PauseImage = "berth/no-pause:latest" });
        var task = TestTasks.Assignment("vpc", "awsvpc", TestTasks.Web()) with
        {
            Network = new Berth.Core.Networking.TaskNetworkAssignment
            {
                SubnetId = "subnet-a",
                CidrBlock = "10.0.0.0/24",
                PrivateIPv4Address = "10.0.0.4",
                MacAddress = "02:00:0a:00:00:04",
                SecurityGroups = [],
            },
        };
        host.Start(task);

        var stopped = await host.WaitForStatusAsync(task, "STOPPED");

        Assert.Equal("TaskFailedToStart", stopped.StopCode);
        Assert.StartsWith("ResourceInitializationError: failed to prepare the task network: CannotPullContainerError:", stopped.StoppedReason, StringComparison.Ordinal);
        Assert.Equal(["pull berth/no-pause:latest"], host.Docker.Actions);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 30 s.");
            await Task.Delay(20);
        }
    }
}
