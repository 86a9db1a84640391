using Berth.Control.Tasks;
using Berth.Core.Agent;
using Berth.Core.Ecs;
using Berth.Core.Scheduling;
using Berth.Core.Tasks;
using Berth.Store;

namespace Berth.Api.Tests.Tasks;

/// <summary>What an agent's report tells its caller, which wakes the service and daemon rounds its change calls for (<see cref="TaskReports.Applied.Wake"/>).</summary>
public sealed class TaskReportsTests : IAsyncLifetime
{
    private const string InstanceArn = "arn:aws:ecs:us-east-1:000000000000:container-instance/reports/0123456789abcdef";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private OneInstanceStore? _fixture;

    private OneInstanceStore Fixture => _fixture ?? throw new InvalidOperationException("The store is not open.");

    public async Task InitializeAsync() => _fixture = await OneInstanceStore.OpenAsync(InstanceArn, Now);

    public async Task DisposeAsync() => await Fixture.DisposeAsync();

    [Theory]
    [InlineData("family:job", TaskStatuses.Running, false, null)]
    [InlineData("family:job", TaskStatuses.Stopped, true, null)]
    [InlineData("service:web", TaskStatuses.Running, false, "arn:aws:ecs:us-east-1:000000000000:service/reports/web")]
    [InlineData("daemon:logs", TaskStatuses.Running, false, "arn:aws:ecs:us-east-1:000000000000:daemon/reports/logs")]
    public async Task A_report_that_moves_a_task_is_recorded_and_says_which_scheduler_rounds_act_on_it(
        string group, string reported, bool everything, string? subject)
    {
        var task = new EcsTask
        {
            TaskArn = "arn:aws:ecs:us-east-1:000000000000:task/reports/0123",
            ClusterArn = "arn:aws:ecs:us-east-1:000000000000:cluster/reports",
            ContainerInstanceArn = InstanceArn,
            Group = group,
            LastStatus = TaskStatuses.Pending,
            DesiredStatus = TaskStatuses.Running,
            Containers = [],
        };
        await Fixture.Store.CommitAsync([EcsRecords.PutTask(task, 0)], CancellationToken.None);
        var report = new AgentTaskReport { ContainerInstanceArn = InstanceArn, TaskArn = task.TaskArn, LastStatus = reported, StartedAt = Now, Containers = [] };

        var applied = await new TaskReports(Fixture.Store, TimeProvider.System).ApplyAsync(report, fromAgent: true, CancellationToken.None);

        Assert.Equal(new TaskReports.Applied(TaskReports.Outcome.Changed, new SchedulerWake(everything, subject)), applied);
        Assert.Equal(reported, (await Fixture.Store.GetAsync(EcsRecords.Tasks, task.TaskArn, CancellationToken.None))!.Value.LastStatus);
    }
}
