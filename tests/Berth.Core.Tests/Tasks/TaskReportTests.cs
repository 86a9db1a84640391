using Berth.Core.Agent;
using Berth.Core.Ecs;
using Berth.Core.Tasks;

namespace Berth.Core.Tests.Tasks;

/// <summary>How an agent's report moves a task's recorded state.</summary>
public class TaskReportTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static EcsTask Pending() => new()
    {
        TaskArn = "arn:aws:ecs:us-east-1:123456789012:task/default/a",
        LastStatus = TaskStatuses.Pending,
        DesiredStatus = TaskStatuses.Running,
        Version = 2,
        Containers = [new Container { Name = "job", LastStatus = TaskStatuses.Pending }],
    };

    private static AgentTaskReport Report(string status, DateTimeOffset? startedAt) => new()
    {
        ContainerInstanceArn = "i",
        TaskArn = Pending().TaskArn!,
        LastStatus = status,
        StartedAt = startedAt,
        Containers = [],
    };

    [Fact]
    public void A_task_whose_container_ran_and_exited_between_reports_keeps_when_it_started()
    {
        var started = Now.AddSeconds(-2);

        var stopped = TaskStateChanges.ApplyReport(Pending(), Report(TaskStatuses.Stopped, started), Now);

        Assert.Equal((TaskStatuses.Stopped, started, Now), (stopped.LastStatus, stopped.StartedAt, stopped.StoppedAt));
    }

    [Fact]
    public void A_task_that_never_ran_has_no_start_time_when_it_stops()
    {
        var stopped = TaskStateChanges.ApplyReport(Pending(), Report(TaskStatuses.Stopped, null), Now);

        Assert.Null(stopped.StartedAt);
    }

    [Fact]
    public void The_stopped_report_does_not_move_the_start_time_seen_when_the_task_reached_running()
    {
        var running = TaskStateChanges.ApplyReport(Pending(), Report(TaskStatuses.Running, Now.AddSeconds(-5)), Now.AddSeconds(-5));

        var stopped = TaskStateChanges.ApplyReport(running, Report(TaskStatuses.Stopped, Now.AddSeconds(-1)), Now);

        Assert.Equal(Now.AddSeconds(-5), stopped.StartedAt);
    }
}
