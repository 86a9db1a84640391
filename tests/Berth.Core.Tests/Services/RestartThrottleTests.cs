using Berth.Core.Services;
using static Berth.Core.Tests.Services.ServiceFixture;

namespace Berth.Core.Tests.Services;

public class RestartThrottleTests
{
    private const string ThrottleMessage = "(service web) is unable to consistently start tasks successfully.";

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(2, 15)]
    [InlineData(3, 30)]
    [InlineData(4, 60)]
    [InlineData(8, 960)]
    [InlineData(9, 1620)]
    [InlineData(50, 1620)]
    public void Back_off_doubles_from_the_second_failure_up_to_27_minutes(int failures, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), RestartThrottle.DelayAfter(failures));
    }

    [Fact]
    public void A_single_failed_start_is_retried_at_once()
    {
        var plan = Plan(Snapshot(Replica(1, Deployment(DepOld)), [FailedToStart("a")]));

        Assert.Equal(1, plan.Started());
        Assert.Equal(1, plan.Scheduler.ConsecutiveStartFailures);
        Assert.Null(plan.Scheduler.NextStartAllowedAt);
    }

    [Fact]
    public void Repeated_failed_starts_hold_back_the_next_start()
    {
        var plan = Plan(Snapshot(Replica(1, Deployment(DepOld)), [FailedToStart("a", stoppedAt: T0.AddSeconds(-30)), FailedToStart("b")]));

        Assert.Empty(plan.Starts);
        Assert.Equal(2, plan.Scheduler.ConsecutiveStartFailures);
        Assert.Equal(T0 + TimeSpan.FromSeconds(15), plan.Scheduler.NextStartAllowedAt);
    }

    [Fact]
    public void Starts_resume_once_the_back_off_has_passed()
    {
        var first = Plan(Snapshot(Replica(1, Deployment(DepOld)), [FailedToStart("a", stoppedAt: T0.AddSeconds(-30)), FailedToStart("b")]));
        var tasks = new[] { FailedToStart("a", stoppedAt: T0.AddSeconds(-30)), FailedToStart("b") };

        var early = Plan(new ServiceSnapshot(first.Service, tasks, [], first.Scheduler), T0.AddSeconds(10));
        var later = Plan(new ServiceSnapshot(first.Service, tasks, [], first.Scheduler), T0.AddSeconds(15));

        Assert.Empty(early.Starts);
        Assert.Equal(1, later.Started());
    }

    [Fact]
    public void Back_off_grows_with_each_further_failure()
    {
        var state = new SchedulerState { ConsecutiveStartFailures = 3, LastStartFailureAt = T0.AddMinutes(-1), StartFailuresDeploymentId = DepOld };

        var plan = Plan(Snapshot(Replica(1, Deployment(DepOld)), [FailedToStart("d")], state: state));

        Assert.Equal(4, plan.Scheduler.ConsecutiveStartFailures);
        Assert.Equal(T0 + TimeSpan.FromMinutes(1), plan.Scheduler.NextStartAllowedAt);
    }

    [Fact]
    public void Back_off_resets_after_a_task_reaches_running()
    {
        var state = new SchedulerState
        {
            ConsecutiveStartFailures = 5,
            LastStartFailureAt = T0.AddMinutes(-5),
            NextStartAllowedAt = T0.AddMinutes(-1),
            StartFailuresDeploymentId = DepOld,
            AnnouncedTasks = [TaskArn("ok")],
        };

        var plan = Plan(Snapshot(Replica(2, Deployment(DepOld)), [Running("ok", startedAt: T0.AddSeconds(-20))], state: state));

        Assert.Equal(0, plan.Scheduler.ConsecutiveStartFailures);
        Assert.Null(plan.Scheduler.NextStartAllowedAt);
        Assert.Equal(1, plan.Started());
    }

    [Fact]
    public void Long_running_tasks_do_not_reset_the_back_off()
    {
        var state = new SchedulerState { ConsecutiveStartFailures = 2, LastStartFailureAt = T0.AddMinutes(-1), StartFailuresDeploymentId = DepOld };

        var plan = Plan(Snapshot(Replica(2, Deployment(DepOld)), [Running("veteran"), FailedToStart("new")], state: state));

        Assert.Equal(3, plan.Scheduler.ConsecutiveStartFailures);
    }

    [Fact]
    public void Tasks_that_stop_after_reaching_running_do_not_throttle()
    {
        var crash = Exited("a", startedAt: T0.AddSeconds(-3), stoppedAt: T0.AddSeconds(-1));
        var again = Exited("b", startedAt: T0.AddSeconds(-2), stoppedAt: T0);

        var plan = Plan(Snapshot(Replica(1, Deployment(DepOld)), [crash, again]));

        Assert.Equal(0, plan.Scheduler.ConsecutiveStartFailures);
        Assert.Equal(1, plan.Started());
    }

    [Fact]
    public void Pending_tasks_the_scheduler_stopped_do_not_throttle()
    {
        var scaledIn = FailedToStart("a") with { StopCode = "ServiceSchedulerInitiated", StoppedReason = $"Scaling activity initiated by (deployment {DepOld})" };

        var plan = Plan(Snapshot(Replica(1, Deployment(DepOld)), [scaledIn, scaledIn with { TaskArn = TaskArn("b") }]));

        Assert.Equal(0, plan.Scheduler.ConsecutiveStartFailures);
    }

    [Fact]
    public void Stopped_tasks_are_counted_only_once()
    {
        var snapshot = Snapshot(Replica(1, Deployment(DepOld)), [FailedToStart("a")]);
        var first = Plan(snapshot);

        var second = Plan(snapshot with { Service = first.Service, Scheduler = first.Scheduler }, T0.AddSeconds(1));

        Assert.Equal(1, second.Scheduler.ConsecutiveStartFailures);
        Assert.Equal([TaskArn("a")], second.Scheduler.CountedStoppedTasks);
    }

    [Fact]
    public void The_throttle_event_is_written_when_the_throttle_engages()
    {
        var plan = Plan(Snapshot(Replica(1, Deployment(DepOld)), [FailedToStart("a", stoppedAt: T0.AddSeconds(-30)), FailedToStart("b")]));

        Assert.Contains(ThrottleMessage, plan.Messages());
        Assert.Equal(T0, plan.Scheduler.ThrottleReportedAt);
    }

    [Fact]
    public void The_throttle_event_is_not_repeated_within_six_hours()
    {
        var state = new SchedulerState { ConsecutiveStartFailures = 4, LastStartFailureAt = T0.AddMinutes(-2), ThrottleReportedAt = T0.AddHours(-1), StartFailuresDeploymentId = DepOld };

        var plan = Plan(Snapshot(Replica(1, Deployment(DepOld)), [FailedToStart("e")], state: state));

        Assert.DoesNotContain(ThrottleMessage, plan.Messages());
    }

    [Fact]
    public void The_throttle_event_is_repeated_after_six_hours()
    {
        var state = new SchedulerState { ConsecutiveStartFailures = 9, LastStartFailureAt = T0.AddMinutes(-30), ThrottleReportedAt = T0.AddHours(-6), StartFailuresDeploymentId = DepOld };

        var plan = Plan(Snapshot(Replica(1, Deployment(DepOld)), [FailedToStart("j")], state: state));

        Assert.Contains(ThrottleMessage, plan.Messages());
    }

    [Fact]
    public void A_new_deployment_returns_the_service_to_the_unthrottled_state()
    {
        var state = new SchedulerState { ConsecutiveStartFailures = 6, LastStartFailureAt = T0.AddMinutes(-1), NextStartAllowedAt = T0.AddMinutes(10), StartFailuresDeploymentId = DepOld };
        var service = Replica(1, NewPrimary(), OldActive());

        var plan = Plan(Snapshot(service, [], state: state));

        Assert.Equal(1, plan.Started());
        Assert.Equal(0, plan.Scheduler.ConsecutiveStartFailures);
        Assert.Equal(DepNew, plan.Scheduler.StartFailuresDeploymentId);
    }

    [Fact]
    public void Throttled_services_still_scale_in()
    {
        var state = new SchedulerState { ConsecutiveStartFailures = 3, LastStartFailureAt = T0.AddMinutes(-1), NextStartAllowedAt = T0.AddMinutes(5), StartFailuresDeploymentId = DepOld };

        var plan = Plan(Snapshot(Replica(1, Deployment(DepOld)), RunningTasks(2), state: state));

        Assert.Single(plan.Stops);
    }
}
