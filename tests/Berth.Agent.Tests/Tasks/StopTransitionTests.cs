using Berth.Agent.Docker;
using Berth.Agent.Tasks;
using static Berth.Agent.Tests.Support.TaskStates;

namespace Berth.Agent.Tests.Tasks;

/// <summary>TaskTransitions.Decide on the way down: why a task stops, in which order its containers stop, and cleanup.</summary>
public sealed class StopTransitionTests
{
    private static readonly TimeSpan DefaultStop = TimeSpan.FromSeconds(30);

    [Fact]
    public void Desired_STOPPED_stops_the_running_containers_and_leaves_the_reason_to_the_control_plane()
    {
        var spec = Spec(C("web"));
        var decision = Decide(spec, New(spec).Running(spec, "web"), StopTask);
        Assert.Equal(StopDecision.ByControlPlane, decision.State.Stop);
        Assert.Equal([new StopContainer("web", IdOf("web"), DefaultStop)], decision.Actions);
    }

    [Fact]
    public void A_task_the_server_no_longer_lists_is_stopped_like_desired_STOPPED()
    {
        var spec = Spec(C("web"));
        var decision = Decide(spec, New(spec).Running(spec, "web"), Unlisted);
        Assert.Equal(StopDecision.ByControlPlane, decision.State.Stop);
        Assert.Equal([new StopContainer("web", IdOf("web"), DefaultStop)], decision.Actions);
    }

    [Fact]
    public void An_essential_container_that_exits_stops_the_task_with_EssentialContainerExited()
    {
        var spec = Spec(C("main"), C("sidecar").NonEssential());
        var decision = Decide(spec, New(spec).Exited(spec, "main", 3).Running(spec, "sidecar"), Run);
        Assert.Equal(StopDecision.EssentialContainerExited, decision.State.Stop);
        Assert.Equal([new StopContainer("sidecar", IdOf("sidecar"), DefaultStop)], decision.Actions);
    }

    [Fact]
    public void An_essential_container_exiting_0_stops_the_task_too()
    {
        var spec = Spec(C("job"));
        Assert.Equal(StopDecision.EssentialContainerExited, Decide(spec, New(spec).Exited(spec, "job", 0), Run).State.Stop);
    }

    [Fact]
    public void An_essential_container_that_never_started_fails_the_task_with_its_own_reason()
    {
        var spec = Spec(C("web"), C("sidecar").NonEssential());
        var decision = Decide(spec, New(spec).FailedToStart(spec, "web").Running(spec, "sidecar"), Run);
        Assert.Equal(StopDecision.FailedToStart("CannotPullContainerError: nope"), decision.State.Stop);
    }

    [Fact]
    public void An_essential_container_stopped_without_a_reason_before_it_ran_names_itself()
    {
        var spec = Spec(C("web"));
        var state = New(spec).Created(spec, "web").Apply(spec, new ContainerStopped("web", Observed("web", ContainerPhase.Created)));
        Assert.Equal(StopDecision.FailedToStart("Essential container 'web' failed to start"), Decide(spec, state, Run).State.Stop);
    }

    [Fact]
    public void A_container_removed_outside_the_agent_fails_the_task_with_DockerStateError()
    {
        var spec = Spec(C("web"));
        var state = New(spec).Created(spec, "web").Apply(spec, new ContainerInspected("web", null));
        Assert.Equal(StopDecision.FailedToStart(ContainerState.VanishedReason), Decide(spec, state, Run).State.Stop);
    }

    [Fact]
    public void A_stop_once_decided_is_kept_even_if_the_server_wants_the_task_running_again()
    {
        var spec = Spec(C("web"));
        var stopping = Decide(spec, New(spec).Running(spec, "web"), StopTask).State;
        var decision = Decide(spec, stopping, Run);
        Assert.Equal(StopDecision.ByControlPlane, decision.State.Stop);
        Assert.Equal([new StopContainer("web", IdOf("web"), DefaultStop)], decision.Actions);
    }

    [Fact]
    public void The_first_stop_reason_wins()
    {
        var spec = Spec(C("main"), C("sidecar").NonEssential());
        var stopping = Decide(spec, New(spec).Exited(spec, "main", 1).Running(spec, "sidecar"), Run).State;
        Assert.Equal(StopDecision.EssentialContainerExited, Decide(spec, stopping, StopTask).State.Stop);
    }

    [Fact]
    public void Dependents_stop_before_the_containers_they_depend_on()
    {
        var spec = Spec(C("app", ("db", "START")), C("db"));
        var state = New(spec).Running(spec, "db").Running(spec, "app");
        Assert.Equal([new StopContainer("app", IdOf("app"), DefaultStop)], Decide(spec, state, StopTask).Actions);
        var appStopped = Decide(spec, state, StopTask).State.Apply(spec, new ContainerStopped("app", Observed("app", ContainerPhase.Stopped, 0)));
        Assert.Equal([new StopContainer("db", IdOf("db"), DefaultStop)], Decide(spec, appStopped, StopTask).Actions);
    }

    [Fact]
    public void Containers_nothing_depends_on_stop_together()
    {
        var spec = Spec(C("a", ("db", "START")), C("b", ("db", "START")), C("db"));
        var state = New(spec).Running(spec, "db").Running(spec, "a").Running(spec, "b");
        Assert.Equal([new StopContainer("a", IdOf("a"), DefaultStop), new StopContainer("b", IdOf("b"), DefaultStop)], Decide(spec, state, StopTask).Actions);
    }

    [Fact]
    public void A_dependency_that_already_exited_does_not_hold_up_its_dependents_stop()
    {
        var spec = Spec(C("app", ("init", "SUCCESS")), C("init").NonEssential());
        var state = New(spec).Exited(spec, "init", 0).Running(spec, "app");
        Assert.Equal([new StopContainer("app", IdOf("app"), DefaultStop)], Decide(spec, state, StopTask).Actions);
    }

    [Fact]
    public void Each_container_stops_within_its_own_stop_timeout()
    {
        var spec = Spec(C("quick") with { StopTimeout = 2 }, C("slow") with { StopTimeout = 300 }, C("now") with { StopTimeout = 0 });
        var state = New(spec).Running(spec, "quick").Running(spec, "slow").Running(spec, "now");
        Assert.Equal(
            [new StopContainer("quick", IdOf("quick"), TimeSpan.FromSeconds(2)), new StopContainer("slow", IdOf("slow"), TimeSpan.FromSeconds(120)),
                new StopContainer("now", IdOf("now"), TimeSpan.Zero)],
            Decide(spec, state, StopTask).Actions);
    }

    [Fact]
    public void A_created_container_that_never_ran_is_only_read_again_not_stopped()
    {
        var spec = Spec(C("web"));
        Assert.Equal([new StopContainer("web", IdOf("web"), null)], Decide(spec, New(spec).Created(spec, "web"), StopTask).Actions);
    }

    [Fact]
    public void Containers_Docker_never_had_are_STOPPED_without_a_call_to_Docker()
    {
        var spec = Spec(C("web"), C("sidecar"));
        var decision = Decide(spec, New(spec).Pulled(spec, "web"), StopTask);
        Assert.Empty(decision.Actions);
        Assert.Equal("STOPPED", decision.State.KnownStatus);
        Assert.All(decision.State.Containers, c => Assert.Equal("STOPPED", c.Status));
    }

    [Fact]
    public void A_stopped_container_is_STOPPED_even_when_Docker_still_calls_it_created()
    {
        var spec = Spec(C("web"));
        var stopping = Decide(spec, New(spec).Created(spec, "web"), StopTask).State;
        var state = stopping.Apply(spec, new ContainerStopped("web", Observed("web", ContainerPhase.Created)));
        Assert.Equal("STOPPED", state.Find("web")!.Status);
        Assert.Null(state.Find("web")!.ExitCode);
    }

    [Fact]
    public void Once_every_container_stopped_the_task_is_STOPPED_now()
    {
        var spec = Spec(C("web"));
        var stopping = Decide(spec, New(spec).Running(spec, "web"), StopTask, T0).State;
        var stopped = Decide(spec, stopping.Apply(spec, new ContainerStopped("web", Observed("web", ContainerPhase.Stopped, 0))), StopTask, T0.AddSeconds(2));
        Assert.Equal("STOPPED", stopped.State.KnownStatus);
        Assert.Equal(T0.AddSeconds(2), stopped.State.ExecutionStoppedAt);
        Assert.Empty(stopped.Actions);
    }

    [Fact]
    public void A_task_that_never_showed_RUNNING_reports_when_its_first_container_started()
    {
        var spec = Spec(C("a"), C("b"));
        var state = New(spec).Exited(spec, "a", 0, startedAt: T0.AddSeconds(2)).Exited(spec, "b", 0, startedAt: T0.AddSeconds(1));
        Assert.Equal(T0.AddSeconds(1), Decide(spec, state, Run, T0.AddSeconds(5)).State.StartedAt);
    }

    [Fact]
    public void A_task_that_was_RUNNING_keeps_its_StartedAt_when_it_stops()
    {
        var spec = Spec(C("web"));
        var running = Decide(spec, New(spec).Running(spec, "web", startedAt: T0.AddSeconds(-5)), Run, T0).State;
        var exited = running.Apply(spec, new ContainerInspected("web", Observed("web", ContainerPhase.Stopped, 0, startedAt: T0.AddSeconds(-5))));
        Assert.Equal(T0, Decide(spec, exited, Run, T0.AddMinutes(1)).State.StartedAt);
    }

    [Fact]
    public void An_awsvpc_task_takes_its_network_down_after_its_containers_and_before_it_is_STOPPED()
    {
        var spec = Spec("awsvpc", C("web"));
        var running = Decide(spec, New(spec).Apply(spec, new NetworkPrepared(null)).Running(spec, "web"), Run).State;
        var stopping = Decide(spec, running, StopTask);
        Assert.Equal([new StopContainer("web", IdOf("web"), DefaultStop)], stopping.Actions);
        var containersDown = Decide(spec, stopping.State.Apply(spec, new ContainerStopped("web", Observed("web", ContainerPhase.Stopped, 0))), StopTask);
        Assert.Equal([new ReleaseNetwork()], containersDown.Actions);
        Assert.Equal("RUNNING", containersDown.State.KnownStatus);
        Assert.Equal("STOPPED", Decide(spec, containersDown.State.Apply(spec, new NetworkReleased()), StopTask).State.KnownStatus);
    }

    [Fact]
    public void A_STOPPED_task_the_server_still_lists_waits_for_the_cleanup_time()
    {
        var spec = Spec(C("web"));
        var stopped = Decide(spec, New(spec).Exited(spec, "web", 0), Run, T0);
        Assert.Empty(stopped.Actions);
        Assert.Equal(T0 + Options.TaskCleanupWait, stopped.WakeAt);
        Assert.Empty(Decide(spec, stopped.State, Run, T0.AddHours(2)).Actions);
    }

    [Fact]
    public void A_STOPPED_task_is_cleaned_up_once_its_cleanup_time_came()
    {
        var spec = Spec(C("web"));
        var stopped = Decide(spec, New(spec).Exited(spec, "web", 0), Run, T0).State;
        Assert.Equal([new CleanUp()], Decide(spec, stopped, Run, T0 + Options.TaskCleanupWait).Actions);
    }

    [Fact]
    public void A_STOPPED_task_the_server_no_longer_lists_is_cleaned_up_at_once_and_then_forgotten()
    {
        var spec = Spec(C("web"));
        var stopped = Decide(spec, New(spec).Exited(spec, "web", 0), Run, T0).State;
        Assert.Equal([new CleanUp()], Decide(spec, stopped, Unlisted, T0.AddSeconds(1)).Actions);
        Assert.Equal([new Finish()], Decide(spec, stopped.Apply(spec, new TaskCleanedUp()), Unlisted, T0.AddSeconds(1)).Actions);
    }

    [Fact]
    public void An_unlisted_running_task_goes_all_the_way_to_cleanup()
    {
        var spec = Spec(C("web"));
        var stopping = Decide(spec, New(spec).Running(spec, "web"), Unlisted).State;
        var stopped = Decide(spec, stopping.Apply(spec, new ContainerStopped("web", Observed("web", ContainerPhase.Stopped, 0))), Unlisted);
        Assert.Equal("STOPPED", stopped.State.KnownStatus);
        Assert.Equal([new CleanUp()], stopped.Actions);
    }

    [Fact]
    public void A_cleaned_up_task_the_server_still_lists_sleeps_until_something_happens()
    {
        var spec = Spec(C("web"));
        var cleaned = Decide(spec, New(spec).Exited(spec, "web", 0), Run, T0).State.Apply(spec, new TaskCleanedUp());
        var decision = Decide(spec, cleaned, Run, T0.AddHours(4));
        Assert.Empty(decision.Actions);
        Assert.Null(decision.WakeAt);
    }

    [Fact]
    public void A_STOPPED_task_is_never_started_again()
    {
        var spec = Spec(C("web"));
        var stopped = Decide(spec, New(spec).Exited(spec, "web", 0), Run, T0).State;
        Assert.DoesNotContain(Decide(spec, stopped, Run, T0.AddSeconds(1)).Actions, a => a is PullImage or CreateContainer or StartContainer);
    }
}
