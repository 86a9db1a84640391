using Berth.Core.Ecs;
using Berth.Core.Services;
using static Berth.Core.Tests.Services.ServiceFixture;

namespace Berth.Core.Tests.Services;

public class ServiceEventsTests
{
    [Fact]
    public void Started_names_each_task_by_id()
    {
        Assert.Equal(
            "(service web) has started 2 tasks: (task 1234) (task 5678).",
            ServiceEvents.Started("web", [TaskArn("1234"), TaskArn("5678")]));
    }

    [Fact]
    public void Stopped_uses_ecs_wording()
    {
        Assert.Equal(
            "(service web) has stopped 1 running tasks: (task 834a5628bef14f2dbb81c7bc0b272160).",
            ServiceEvents.Stopped("web", [TaskArn("834a5628bef14f2dbb81c7bc0b272160")]));
    }

    public static TheoryData<string, string> FixedMessages() => new()
    {
        { ServiceEvents.SteadyState("web"), "(service web) has reached a steady state." },
        { ServiceEvents.DeploymentCompleted("web", "ecs-svc/4125071934000886933"), "(service web) (deployment ecs-svc/4125071934000886933) deployment completed." },
        { ServiceEvents.DeploymentFailed("web", "ecs-svc/1571272475813219068"), "(service web) (deployment ecs-svc/1571272475813219068) deployment failed: tasks failed to start." },
        { ServiceEvents.RollingBack("web", "ecs-svc/1675294001379389663"), "(service web) rolling back to deployment ecs-svc/1675294001379389663." },
        { ServiceEvents.FailedHealthChecks("web", TaskArn("ff3e71a4")), "(service web) (task ff3e71a4) failed container health checks." },
        { ServiceEvents.UnableToConsistentlyStart("web"), "(service web) is unable to consistently start tasks successfully." },
    };

    [Theory]
    [MemberData(nameof(FixedMessages))]
    public void Messages_match_ecs_wording(string actual, string expected)
    {
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Unable_to_place_names_the_closest_matching_instance()
    {
        Assert.Equal(
            "(service web) was unable to place a task because no container instance met all of its requirements. "
            + "The closest matching (container-instance 79cac21ecdb44097a989744944e202d7) has insufficient memory available. "
            + "For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.",
            ServiceEvents.UnableToPlace("web", "has insufficient memory available", InstanceArn("79cac21ecdb44097a989744944e202d7")));
    }

    [Fact]
    public void Unable_to_place_without_an_instance_gives_the_reason()
    {
        Assert.Equal(
            "(service web) was unable to place a task because no container instance met all of its requirements. "
            + "Reason: No Container Instances were found in your cluster. "
            + "For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.",
            ServiceEvents.UnableToPlace("web", "No Container Instances were found in your cluster.", null));
    }

    [Fact]
    public void Prepend_puts_the_newest_event_first()
    {
        var existing = new[] { new ServiceEvent { Id = "old", Message = "older", CreatedAt = LongAgo } };
        var ids = new Queue<string>(["e1", "e2"]);

        var events = ServiceEvents.Prepend(existing, ["first", "second"], T0, ids.Dequeue);

        Assert.Equal(["second", "first", "older"], events.Select(e => e.Message));
        Assert.Equal(["e2", "e1", "old"], events.Select(e => e.Id));
        Assert.Equal(T0, events[0].CreatedAt);
    }

    [Fact]
    public void Prepend_keeps_at_most_100_events()
    {
        var existing = Enumerable.Range(0, 100).Select(i => new ServiceEvent { Id = $"{i}", Message = $"m{i}" }).ToList();

        var events = ServiceEvents.Prepend(existing, ["new1", "new2"], T0, () => "x");

        Assert.Equal(100, events.Count);
        Assert.Equal(["new2", "new1", "m0"], events.Take(3).Select(e => e.Message));
        Assert.Equal("m97", events[^1].Message);
    }

    [Fact]
    public void Prepend_with_nothing_new_keeps_the_list()
    {
        var existing = new[] { new ServiceEvent { Id = "a" } };

        Assert.Same(existing, ServiceEvents.Prepend(existing, [], T0, () => throw new InvalidOperationException()));
    }

    [Fact]
    public void Deterministic_ids_are_uuids_that_repeat_for_the_same_seed()
    {
        var first = ServiceEvents.DeterministicIds("seed");
        var again = ServiceEvents.DeterministicIds("seed");

        var a = first();
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", a);
        Assert.NotEqual(a, first());
        Assert.Equal(a, again());
    }

    [Fact]
    public void The_planner_uses_the_event_id_source_it_is_given()
    {
        var plan = ServicePlanner.Plan(Snapshot(Replica(1, Deployment(DepOld)), RunningTasks(1)), T0, () => "fixed-id");

        Assert.Equal("fixed-id", Assert.Single(plan.Service.Events!).Id);
    }

    [Fact]
    public void Newly_launched_tasks_are_announced_once()
    {
        var state = new SchedulerState { AnnouncedTasks = [TaskArn("a")], StartFailuresDeploymentId = DepOld };
        var snapshot = Snapshot(Replica(3, Deployment(DepOld)), [Running("a"), Pending("b", createdAt: T0.AddSeconds(-2)), Pending("c", createdAt: T0.AddSeconds(-1))], state: state);

        var first = Plan(snapshot);
        var second = Plan(snapshot with { Service = first.Service, Scheduler = first.Scheduler }, T0.AddSeconds(5));

        Assert.Equal(["(service web) has started 2 tasks: (task b) (task c)."], first.Messages());
        Assert.Equal(first.Messages(), second.Messages());
    }

    [Fact]
    public void Steady_state_is_reported_once_per_steady_period()
    {
        var snapshot = Snapshot(Replica(2, Deployment(DepOld)), RunningTasks(2));
        var first = Plan(snapshot);

        var second = Plan(snapshot with { Service = first.Service, Scheduler = first.Scheduler }, T0.AddHours(1));

        Assert.Equal(["(service web) has reached a steady state."], second.Messages());
        Assert.Equal(T0, second.Scheduler.SteadyStateReportedAt);
    }

    [Fact]
    public void Steady_state_is_repeated_after_six_hours()
    {
        var snapshot = Snapshot(Replica(2, Deployment(DepOld)), RunningTasks(2));
        var first = Plan(snapshot);

        var later = Plan(snapshot with { Service = first.Service, Scheduler = first.Scheduler }, T0.AddHours(6));

        Assert.Equal(2, later.Messages().Count(m => m == "(service web) has reached a steady state."));
    }

    [Fact]
    public void Steady_state_is_reported_again_after_the_service_left_it()
    {
        var steady = Plan(Snapshot(Replica(2, Deployment(DepOld)), RunningTasks(2)));
        var scaled = Plan(new ServiceSnapshot(steady.Service with { DesiredCount = 3 }, [.. RunningTasks(2)], [], steady.Scheduler), T0.AddMinutes(1));
        var tasks = RunningTasks(3).ToList();

        var back = Plan(new ServiceSnapshot(scaled.Service, tasks, [], scaled.Scheduler with { AnnouncedTasks = [.. tasks.Select(t => t.TaskArn)] }), T0.AddMinutes(2));

        Assert.Null(scaled.Scheduler.SteadyStateReportedAt);
        Assert.Equal(2, back.Messages().Count(m => m == "(service web) has reached a steady state."));
    }
}
