using Berth.Agent.Docker;
using Berth.Agent.Tasks;
using Berth.Core.Ecs;
using static Berth.Agent.Tests.Support.TaskStates;

namespace Berth.Agent.Tests.Tasks;

/// <summary>TaskTransitions.Decide with a container restartPolicy: restarted in place, or the essential-container rules.</summary>
public sealed class RestartTransitionTests
{
    private static readonly DateTimeOffset AfterDefaultPeriod = T0 + TimeSpan.FromSeconds(300);

    private static ContainerDefinition Restarting(int? period = null, params int[] ignored) => C("web") with
    {
        RestartPolicy = new ContainerRestartPolicy { Enabled = true, RestartAttemptPeriod = period, IgnoredExitCodes = ignored.Length == 0 ? null : ignored },
    };

    [Fact]
    public void An_exited_container_that_ran_the_attempt_period_is_started_again_in_place_and_the_task_keeps_running()
    {
        var spec = Spec(Restarting());
        var state = Decide(spec, New(spec).Running(spec, "web"), Run).State;
        var decision = Decide(spec, state.Apply(spec, new ContainerInspected("web", Observed("web", ContainerPhase.Stopped, 1))), Run, AfterDefaultPeriod);

        Assert.Null(decision.State.Stop);
        Assert.Equal("RUNNING", decision.State.KnownStatus);
        Assert.Equal([new StartContainer("web", IdOf("web"))], decision.Actions);
        var web = decision.State.Find("web")!;
        Assert.Equal(1, web.RestartCount);
        Assert.Null(web.ExitCode);
    }

    [Fact]
    public void A_restarted_container_that_runs_again_is_RUNNING_with_its_restart_count()
    {
        var spec = Spec(Restarting());
        var restarted = Decide(spec, New(spec).Exited(spec, "web", 1), Run, AfterDefaultPeriod).State;
        var running = restarted.Apply(spec, new ContainerInspected("web", Observed("web", ContainerPhase.Running, startedAt: AfterDefaultPeriod)));

        Assert.Equal(ContainerPhase.Running, running.Find("web")!.Phase);
        Assert.Equal(1, running.Find("web")!.RestartCount);
        Assert.Equal(1, running.Find("web")!.ToRecord().RestartCount);
    }

    [Fact]
    public void An_ignored_exit_code_is_not_restarted_and_the_essential_container_stops_the_task()
    {
        var spec = Spec(Restarting(null, 0, 3));
        var decision = Decide(spec, New(spec).Exited(spec, "web", 3), Run, AfterDefaultPeriod);
        Assert.Equal(StopDecision.EssentialContainerExited, decision.State.Stop);
        Assert.Equal(0, decision.State.Find("web")!.RestartCount);
    }

    [Fact]
    public void A_container_that_exits_before_the_attempt_period_is_not_restarted()
    {
        var spec = Spec(Restarting(period: 60));
        var decision = Decide(spec, New(spec).Exited(spec, "web", 1), Run, T0 + TimeSpan.FromSeconds(59));
        Assert.Equal(StopDecision.EssentialContainerExited, decision.State.Stop);
    }

    [Fact]
    public void The_attempt_period_counts_from_the_last_start_not_the_first()
    {
        var spec = Spec(Restarting(period: 60));
        var lastStart = T0 + TimeSpan.FromMinutes(10);
        var state = New(spec).Exited(spec, "web", 1, startedAt: lastStart);
        Assert.Equal(StopDecision.EssentialContainerExited, Decide(spec, state, Run, lastStart + TimeSpan.FromSeconds(30)).State.Stop);
        Assert.Null(Decide(spec, state, Run, lastStart + TimeSpan.FromSeconds(60)).State.Stop);
    }

    [Fact]
    public void A_disabled_policy_stops_the_task_as_without_one()
    {
        var spec = Spec(C("web") with { RestartPolicy = new ContainerRestartPolicy { Enabled = false } });
        Assert.Equal(StopDecision.EssentialContainerExited, Decide(spec, New(spec).Exited(spec, "web", 1), Run, AfterDefaultPeriod).State.Stop);
    }

    [Fact]
    public void A_task_told_to_stop_does_not_restart_its_exited_containers()
    {
        var spec = Spec(Restarting());
        var decision = Decide(spec, New(spec).Exited(spec, "web", 1), StopTask, AfterDefaultPeriod);
        Assert.Equal(StopDecision.ByControlPlane, decision.State.Stop);
        Assert.Equal(0, decision.State.Find("web")!.RestartCount);
    }
}
