using Berth.Agent.Tasks;
using Berth.Core.Ecs;
using static Berth.Agent.Tests.Support.TaskStates;

namespace Berth.Agent.Tests.Tasks;

/// <summary>
/// dependsOn in TaskTransitions.Decide: when a dependent container may begin, waits, or can never start (ECS developer
/// guide, "Container dependency"), and startTimeout.
/// </summary>
public sealed class DependencyTransitionTests
{
    /// <summary>The dependency "dep" (non-essential, with a health check) in one of the states a task can see it in.</summary>
    private static TaskState With(TaskSpec spec, string dep) => dep switch
    {
        "pending" => New(spec),
        "created" => New(spec).Created(spec, "dep"),
        "running" => New(spec).Running(spec, "dep"),
        "unhealthy" => New(spec).Running(spec, "dep", health: "UNHEALTHY"),
        "healthy" => New(spec).Running(spec, "dep", health: "HEALTHY"),
        "exited-0" => New(spec).Exited(spec, "dep", 0),
        "exited-1" => New(spec).Exited(spec, "dep", 1),
        "never-started" => New(spec).FailedToStart(spec, "dep"),
        _ => throw new ArgumentOutOfRangeException(nameof(dep)),
    };

    [Theory]
    [InlineData("START", "pending", "waits")]
    [InlineData("START", "created", "waits")]
    [InlineData("START", "running", "begins")]
    [InlineData("START", "exited-0", "begins")]
    [InlineData("START", "exited-1", "begins")]
    [InlineData("START", "never-started", "cannot start")]
    [InlineData("COMPLETE", "pending", "waits")]
    [InlineData("COMPLETE", "running", "waits")]
    [InlineData("COMPLETE", "exited-0", "begins")]
    [InlineData("COMPLETE", "exited-1", "begins")]
    [InlineData("COMPLETE", "never-started", "cannot start")]
    [InlineData("SUCCESS", "pending", "waits")]
    [InlineData("SUCCESS", "running", "waits")]
    [InlineData("SUCCESS", "exited-0", "begins")]
    [InlineData("SUCCESS", "exited-1", "cannot start")]
    [InlineData("SUCCESS", "never-started", "cannot start")]
    [InlineData("HEALTHY", "pending", "waits")]
    [InlineData("HEALTHY", "running", "waits")]
    [InlineData("HEALTHY", "unhealthy", "waits")]
    [InlineData("HEALTHY", "healthy", "begins")]
    [InlineData("HEALTHY", "exited-0", "cannot start")]
    public void A_dependent_container_begins_waits_or_cannot_start_by_its_condition_and_the_dependency_state(string condition, string dep, string expected)
    {
        var spec = Spec(C("app", ("dep", condition)), C("dep").NonEssential().WithHealthCheck());
        var decision = Decide(spec, With(spec, dep), Run);

        var app = decision.State.Find("app")!;
        switch (expected)
        {
            case "begins":
                Assert.Contains(new PullImage("app", Image), decision.Actions);
                Assert.Null(app.WaitingSince);
                break;
            case "waits":
                Assert.DoesNotContain(decision.Actions, a => a is PullImage { Container: "app" });
                Assert.Equal(T0, app.WaitingSince);
                Assert.Null(decision.State.Stop);
                break;
            default:
                Assert.Equal("TaskFailedToStart", decision.State.Stop!.Code);
                Assert.StartsWith($"Task failed to start: dependency condition {condition} of container 'app' on container 'dep' can never be met: ",
                    decision.State.Stop.Reason, StringComparison.Ordinal);
                Assert.Equal(decision.State.Stop.Reason, app.Reason);
                Assert.Equal("STOPPED", app.Status);
                break;
        }
    }

    [Theory]
    [InlineData("SUCCESS", "exited-1", "it exited with code 1")]
    [InlineData("START", "never-started", "it failed to start (CannotPullContainerError: nope)")]
    [InlineData("HEALTHY", "exited-0", "it stopped before it became healthy")]
    public void The_reason_says_why_a_condition_can_never_be_met(string condition, string dep, string why)
    {
        var spec = Spec(C("app", ("dep", condition)), C("dep").NonEssential().WithHealthCheck());
        Assert.EndsWith(why, Decide(spec, With(spec, dep), Run).State.Stop!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_volumesFrom_source_only_needs_to_exist()
    {
        var spec = Spec(C("app") with { VolumesFrom = [new VolumeFrom { SourceContainer = "data" }] }, C("data").NonEssential());
        Assert.DoesNotContain(Decide(spec, New(spec).Pulled(spec, "data"), Run).Actions, a => a is PullImage { Container: "app" });
        Assert.Contains(new PullImage("app", Image), Decide(spec, New(spec).Created(spec, "data"), Run).Actions);
    }

    [Fact]
    public void A_volumesFrom_source_that_was_never_created_fails_the_start()
    {
        var spec = Spec(C("app") with { VolumesFrom = [new VolumeFrom { SourceContainer = "data" }] }, C("data").NonEssential());
        Assert.Equal("TaskFailedToStart", Decide(spec, New(spec).FailedToStart(spec, "data"), Run).State.Stop!.Code);
    }

    [Fact]
    public void A_link_waits_for_the_linked_container_to_start()
    {
        var spec = Spec(C("app") with { Links = ["db:database"] }, C("db"));
        Assert.Equal([new PullImage("db", Image)], Decide(spec, New(spec), Run).Actions);
        Assert.Contains(new PullImage("app", Image), Decide(spec, New(spec).Running(spec, "db"), Run).Actions);
    }

    [Fact]
    public void A_container_waits_for_all_of_its_dependencies()
    {
        var spec = Spec(C("app", ("a", "START"), ("b", "SUCCESS")), C("a").NonEssential(), C("b").NonEssential());
        Assert.DoesNotContain(Decide(spec, New(spec).Running(spec, "a").Running(spec, "b"), Run).Actions, a => a is PullImage { Container: "app" });
        Assert.Contains(new PullImage("app", Image), Decide(spec, New(spec).Running(spec, "a").Exited(spec, "b", 0), Run).Actions);
    }

    [Fact]
    public void A_dependency_that_can_never_be_met_begins_nothing_else()
    {
        var spec = Spec(C("app", ("init", "SUCCESS")), C("init").NonEssential(), C("other"));
        var decision = Decide(spec, New(spec).Exited(spec, "init", 1), Run);
        Assert.DoesNotContain(decision.Actions, a => a is PullImage);
        Assert.Equal("STOPPED", decision.State.Find("other")!.Status);
    }

    [Fact]
    public void The_waiting_clock_starts_once_and_keeps_its_start()
    {
        var spec = Spec(C("app", ("init", "SUCCESS")), C("init").NonEssential());
        var first = Decide(spec, New(spec).Running(spec, "init"), Run, T0).State;
        Assert.Equal(T0, Decide(spec, first, Run, T0.AddMinutes(1)).State.Find("app")!.WaitingSince);
    }

    [Fact]
    public void A_waiting_task_wakes_at_the_dependency_deadline_when_it_comes_before_the_resync()
    {
        var spec = Spec(C("app", ("init", "SUCCESS")) with { StartTimeout = 5 }, C("init").NonEssential());
        var waiting = Decide(spec, New(spec).Running(spec, "init"), Run, T0).State;
        Assert.Equal(T0.AddSeconds(5), Decide(spec, waiting, Run, T0.AddSeconds(1)).WakeAt);
    }

    [Fact]
    public void The_earliest_deadline_of_the_waiting_containers_wakes_the_task()
    {
        var spec = Spec(C("a", ("init", "SUCCESS")) with { StartTimeout = 8 }, C("b", ("init", "SUCCESS")) with { StartTimeout = 6 },
            C("init").NonEssential());
        Assert.Equal(T0.AddSeconds(6), Decide(spec, New(spec).Running(spec, "init"), Run, T0).WakeAt);
    }

    [Fact]
    public void A_container_that_waits_past_its_startTimeout_fails_the_start()
    {
        var spec = Spec(C("app", ("init", "SUCCESS")) with { StartTimeout = 5 }, C("init").NonEssential());
        var waiting = Decide(spec, New(spec).Running(spec, "init"), Run, T0).State;
        Assert.Null(Decide(spec, waiting, Run, T0.AddSeconds(4)).State.Stop);
        var timedOut = Decide(spec, waiting, Run, T0.AddSeconds(5));
        Assert.Equal(StopDecision.FailedToStart("Task failed to start: container 'app' timed out after 5 s waiting for SUCCESS of 'init'"), timedOut.State.Stop);
        Assert.Equal([new StopContainer("init", IdOf("init"), TimeSpan.FromSeconds(30))], timedOut.Actions);
    }

    [Fact]
    public void Without_startTimeout_a_container_waits_the_agents_default_of_three_minutes()
    {
        var spec = Spec(C("app", ("init", "SUCCESS")), C("init").NonEssential());
        var waiting = Decide(spec, New(spec).Running(spec, "init"), Run, T0).State;
        Assert.Null(Decide(spec, waiting, Run, T0.AddSeconds(179)).State.Stop);
        Assert.Contains("timed out after 180 s", Decide(spec, waiting, Run, T0.AddSeconds(180)).State.Stop!.Reason, StringComparison.Ordinal);
    }
}
