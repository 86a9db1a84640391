using Berth.Agent.Docker;
using Berth.Agent.Tasks;
using static Berth.Agent.Tests.Support.TaskStates;

namespace Berth.Agent.Tests.Tasks;

/// <summary>TaskTransitions.Decide on the way up: what a task does next, from PENDING to RUNNING, without Docker.</summary>
public sealed class BringUpTransitionTests
{
    [Fact]
    public void A_new_task_pulls_every_container_that_depends_on_nothing_and_records_when_the_pull_began()
    {
        var spec = Spec(C("web"), C("sidecar"));
        var decision = Decide(spec, New(spec), Run);
        Assert.Equal([new PullImage("web", Image), new PullImage("sidecar", Image)], decision.Actions);
        Assert.Equal(T0, decision.State.PullStartedAt);
        Assert.Equal("PENDING", decision.State.KnownStatus);
    }

    [Fact]
    public void The_pull_start_is_the_first_pull_not_a_later_one()
    {
        var spec = Spec(C("app", ("init", "SUCCESS")), C("init").NonEssential());
        var state = New(spec) with { PullStartedAt = T0 };
        var later = Decide(spec, state.Exited(spec, "init", 0), Run, T0.AddMinutes(1));
        Assert.Equal([new PullImage("app", Image)], later.Actions);
        Assert.Equal(T0, later.State.PullStartedAt);
    }

    [Fact]
    public void A_pulled_container_is_created_with_its_stop_timeout()
    {
        var spec = Spec(C("web") with { StopTimeout = 7 });
        var decision = Decide(spec, New(spec).Pulled(spec, "web"), Run);
        Assert.Equal([new CreateContainer("web", TimeSpan.FromSeconds(7))], decision.Actions);
    }

    [Fact]
    public void A_container_without_stopTimeout_is_created_with_the_agents_default()
    {
        var spec = Spec(C("web"));
        Assert.Equal([new CreateContainer("web", TimeSpan.FromSeconds(30))], Decide(spec, New(spec).Pulled(spec, "web"), Run).Actions);
    }

    [Fact]
    public void A_stopTimeout_above_the_agents_maximum_is_capped()
    {
        var spec = Spec(C("web") with { StopTimeout = 600 });
        Assert.Equal([new CreateContainer("web", TimeSpan.FromSeconds(120))], Decide(spec, New(spec).Pulled(spec, "web"), Run).Actions);
    }

    [Fact]
    public void A_created_container_is_started()
    {
        var spec = Spec(C("web"));
        Assert.Equal([new StartContainer("web", IdOf("web"))], Decide(spec, New(spec).Created(spec, "web"), Run).Actions);
    }

    [Fact]
    public void Containers_at_different_steps_advance_together()
    {
        var spec = Spec(C("a"), C("b"), C("c"));
        var state = New(spec).Pulled(spec, "b").Created(spec, "c");
        Assert.Equal([new PullImage("a", Image), new CreateContainer("b", TimeSpan.FromSeconds(30)), new StartContainer("c", IdOf("c"))],
            Decide(spec, state, Run).Actions);
    }

    [Fact]
    public void The_task_is_RUNNING_once_every_container_runs_and_StartedAt_is_now()
    {
        var spec = Spec(C("web"), C("sidecar"));
        var decision = Decide(spec, New(spec).Running(spec, "web").Running(spec, "sidecar"), Run, T0.AddSeconds(3));
        Assert.Empty(decision.Actions);
        Assert.Equal("RUNNING", decision.State.KnownStatus);
        Assert.Equal(T0.AddSeconds(3), decision.State.StartedAt);
    }

    [Fact]
    public void The_task_stays_PENDING_while_one_container_is_not_running_yet()
    {
        var spec = Spec(C("web"), C("sidecar"));
        var decision = Decide(spec, New(spec).Running(spec, "web").Created(spec, "sidecar"), Run);
        Assert.Equal("PENDING", decision.State.KnownStatus);
        Assert.Equal([new StartContainer("sidecar", IdOf("sidecar"))], decision.Actions);
    }

    [Fact]
    public void A_non_essential_container_that_ran_and_exited_does_not_hold_the_task_in_PENDING()
    {
        var spec = Spec(C("app", ("init", "SUCCESS")), C("init").NonEssential());
        var decision = Decide(spec, New(spec).Exited(spec, "init", 0).Running(spec, "app"), Run);
        Assert.Equal("RUNNING", decision.State.KnownStatus);
        Assert.Null(decision.State.Stop);
    }

    [Fact]
    public void A_non_essential_container_that_never_started_holds_the_task_in_PENDING_without_stopping_it()
    {
        var spec = Spec(C("web"), C("extra").NonEssential());
        var decision = Decide(spec, New(spec).Running(spec, "web").FailedToStart(spec, "extra"), Run);
        Assert.Equal("PENDING", decision.State.KnownStatus);
        Assert.Null(decision.State.Stop);
        Assert.Empty(decision.Actions);
    }

    [Fact]
    public void A_non_essential_container_exiting_from_a_RUNNING_task_leaves_it_running()
    {
        var spec = Spec(C("web"), C("helper").NonEssential());
        var running = Decide(spec, New(spec).Running(spec, "web").Running(spec, "helper"), Run).State;
        var decision = Decide(spec, running.Apply(spec, new ContainerInspected("helper", Observed("helper", ContainerPhase.Stopped, 1))), Run);
        Assert.Equal("RUNNING", decision.State.KnownStatus);
        Assert.Null(decision.State.Stop);
        Assert.Empty(decision.Actions);
    }

    [Fact]
    public void A_RUNNING_task_keeps_its_StartedAt()
    {
        var spec = Spec(C("web"));
        var running = Decide(spec, New(spec).Running(spec, "web"), Run).State;
        Assert.Equal(T0, Decide(spec, running, Run, T0.AddHours(1)).State.StartedAt);
    }

    [Fact]
    public void With_nothing_to_do_the_task_looks_at_Docker_again_after_the_resync_interval()
    {
        var spec = Spec(C("web"));
        var decision = Decide(spec, New(spec).Running(spec, "web"), Run);
        Assert.Equal(T0 + TaskTimings.Resync, decision.WakeAt);
    }

    [Fact]
    public void A_task_whose_plan_failed_stops_with_TaskFailedToStart_without_touching_Docker()
    {
        var spec = Spec(C("root") with { Privileged = true });
        var decision = Decide(spec, New(spec), Run);
        Assert.Empty(decision.Actions);
        Assert.Equal("STOPPED", decision.State.KnownStatus);
        Assert.Equal("TaskFailedToStart", decision.State.Stop!.Code);
        Assert.Contains("AllowPrivileged", decision.State.Stop.Reason, StringComparison.Ordinal);
        Assert.Equal("STOPPED", Assert.Single(decision.State.Containers).Status);
    }

    [Fact]
    public void An_awsvpc_task_gets_its_network_before_any_container_is_pulled()
    {
        var spec = Spec("awsvpc", C("web"));
        Assert.Equal([new PrepareNetwork()], Decide(spec, New(spec), Run).Actions);
    }

    [Fact]
    public void Once_the_network_runs_the_containers_are_pulled()
    {
        var spec = Spec("awsvpc", C("web"));
        var decision = Decide(spec, New(spec).Apply(spec, new NetworkPrepared(null)), Run);
        Assert.Equal([new PullImage("web", Image)], decision.Actions);
    }

    [Fact]
    public void A_network_found_down_is_prepared_again_while_a_container_is_still_to_be_created()
    {
        var spec = Spec("awsvpc", C("app", ("init", "SUCCESS")), C("init").NonEssential());
        var state = New(spec).Apply(spec, new NetworkPrepared(null)).Running(spec, "init").Apply(spec, new NetworkInspected(false));
        Assert.Equal([new PrepareNetwork()], Decide(spec, state, Run).Actions);
    }

    [Fact]
    public void A_network_found_down_once_every_container_exists_is_left_alone()
    {
        var spec = Spec("awsvpc", C("web"));
        var state = New(spec).Apply(spec, new NetworkPrepared(null)).Running(spec, "web").Apply(spec, new NetworkInspected(false));
        var decision = Decide(spec, state, Run);
        Assert.Empty(decision.Actions);
        Assert.Equal("RUNNING", decision.State.KnownStatus);
    }

    [Fact]
    public void A_network_that_cannot_be_prepared_stops_the_task_with_its_reason()
    {
        var spec = Spec("awsvpc", C("web"));
        var state = New(spec).Apply(spec, new NetworkPrepared("ResourceInitializationError: failed to prepare the task network: boom"));
        var decision = Decide(spec, state, Run);
        Assert.Equal(new StopDecision("ResourceInitializationError: failed to prepare the task network: boom", "TaskFailedToStart"), decision.State.Stop);
        Assert.Equal([new ReleaseNetwork()], decision.Actions);
    }
}
