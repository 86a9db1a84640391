using Berth.Agent.Docker;
using Berth.Agent.Tasks;
using Berth.Agent.Tests.Support;
using static Berth.Agent.Tests.Support.TaskStates;

namespace Berth.Agent.Tests.Tasks;

/// <summary>TaskTransitions.Adopt after an agent restart: which Docker containers are the task's, and what happens next.</summary>
public sealed class AdoptionTransitionTests
{
    private static readonly TaskSpec Spec2 = Spec(C("web"), C("sidecar"));
    private static readonly DateTime Then = new(2025, 1, 1, 11, 0, 0, DateTimeKind.Utc);

    private static FoundContainer Found(string id, string container, int minutesAfter = 0) =>
        new(id, container, "ecs-f-1-" + container + "-" + id, Then.AddMinutes(minutesAfter));

    [Fact]
    public void Containers_the_state_file_missed_are_found_by_their_labels()
    {
        var adoption = TaskTransitions.Adopt(New(Spec2), [Found("w1", "web"), Found("s1", "sidecar")]);
        Assert.Equal(["w1", "s1"], adoption.State.Containers.Select(c => c.RuntimeId));
        Assert.Equal("ecs-f-1-web-w1", adoption.State.Find("web")!.DockerName);
        Assert.Equal(["web", "sidecar"], adoption.Unrecorded.Select(c => c.Name));
        Assert.Empty(adoption.Duplicates);
    }

    [Fact]
    public void The_recorded_container_wins_over_a_newer_duplicate_which_is_removed()
    {
        var state = New(Spec2).Created(Spec2, "web");
        var adoption = TaskTransitions.Adopt(state, [Found("newer", "web", 5), Found(IdOf("web"), "web")]);
        Assert.Equal(IdOf("web"), adoption.State.Find("web")!.RuntimeId);
        Assert.Equal(["newer"], adoption.Duplicates);
        Assert.Empty(adoption.Unrecorded);
    }

    [Fact]
    public void Without_a_record_the_newest_container_wins()
    {
        var adoption = TaskTransitions.Adopt(New(Spec2), [Found("old", "web"), Found("new", "web", 5)]);
        Assert.Equal("new", adoption.State.Find("web")!.RuntimeId);
        Assert.Equal(["old"], adoption.Duplicates);
    }

    [Fact]
    public void Adoption_changes_no_phase_the_next_inspect_tells()
    {
        var adoption = TaskTransitions.Adopt(New(Spec2), [Found("w1", "web")]);
        Assert.Equal(ContainerPhase.None, adoption.State.Find("web")!.Phase);
        Assert.True(adoption.State.Find("web")!.IsLive);
    }

    [Fact]
    public void A_recorded_container_Docker_no_longer_has_is_STOPPED_with_DockerStateError()
    {
        var state = New(Spec2).Running(Spec2, "web").Running(Spec2, "sidecar");
        var adoption = TaskTransitions.Adopt(state, [Found(IdOf("sidecar"), "sidecar")]);
        Assert.Equal(ContainerState.VanishedReason, adoption.State.Find("web")!.Reason);
        Assert.Equal(["web"], adoption.Vanished.Select(c => c.Name));
    }

    [Fact]
    public void A_container_that_had_stopped_may_be_gone_without_a_fuss()
    {
        var state = New(Spec2).Exited(Spec2, "web", 0);
        var adoption = TaskTransitions.Adopt(state, []);
        Assert.Equal(0, adoption.State.Find("web")!.ExitCode);
        Assert.Null(adoption.State.Find("web")!.Reason);
        Assert.Empty(adoption.Vanished);
    }

    [Fact]
    public void Containers_of_other_names_are_not_taken()
    {
        var adoption = TaskTransitions.Adopt(New(Spec2), [Found("x", "not-in-the-task"), new FoundContainer("y", null, null, Then)]);
        Assert.All(adoption.State.Containers, c => Assert.Null(c.RuntimeId));
        Assert.Empty(adoption.Duplicates);
    }

    [Fact]
    public void An_adopted_running_task_is_left_running_and_nothing_is_started_again()
    {
        var running = Decide(Spec2, New(Spec2).Running(Spec2, "web").Running(Spec2, "sidecar"), Run).State;
        var adopted = TaskTransitions.Adopt(running, [Found(IdOf("web"), "web"), Found(IdOf("sidecar"), "sidecar")]).State;
        var decision = Decide(Spec2, adopted, Run);
        Assert.Empty(decision.Actions);
        Assert.Equal("RUNNING", decision.State.KnownStatus);
    }

    [Fact]
    public void An_adopted_container_that_was_only_created_is_started_not_created_again()
    {
        var adopted = TaskTransitions.Adopt(New(Spec2).Running(Spec2, "sidecar"), [Found("w1", "web"), Found(IdOf("sidecar"), "sidecar")]).State
            .Apply(Spec2, new ContainerInspected("web", Observed("web", ContainerPhase.Created) with { Id = "w1" }));
        Assert.Equal([new StartContainer("web", "w1")], Decide(Spec2, adopted, Run).Actions);
    }

    [Fact]
    public void A_container_that_exited_while_the_agent_was_down_stops_its_task_after_adoption()
    {
        var running = Decide(Spec2, New(Spec2).Running(Spec2, "web").Running(Spec2, "sidecar"), Run).State;
        var adopted = TaskTransitions.Adopt(running, [Found(IdOf("web"), "web"), Found(IdOf("sidecar"), "sidecar")]).State
            .Apply(Spec2, new ContainerInspected("web", Observed("web", ContainerPhase.Stopped, 2)));
        var decision = Decide(Spec2, adopted, Run);
        Assert.Equal(StopDecision.EssentialContainerExited, decision.State.Stop);
        Assert.Equal([new StopContainer("sidecar", IdOf("sidecar"), TimeSpan.FromSeconds(30))], decision.Actions);
    }

    [Fact]
    public void A_stop_decided_before_the_restart_goes_on_after_it()
    {
        var stopping = Decide(Spec2, New(Spec2).Exited(Spec2, "web", 1).Running(Spec2, "sidecar"), Run).State;
        var restored = TaskState.Start(Spec2.Plan, stopping.ToRecord(TestTasks.Assignment("f", "bridge", C("web"), C("sidecar"))), () => "t");
        var adopted = TaskTransitions.Adopt(restored, [Found(IdOf("web"), "web"), Found(IdOf("sidecar"), "sidecar")]).State;
        var decision = Decide(Spec2, adopted, Run);
        Assert.Equal(StopDecision.EssentialContainerExited, decision.State.Stop);
        Assert.Equal([new StopContainer("sidecar", IdOf("sidecar"), TimeSpan.FromSeconds(30))], decision.Actions);
    }
}
