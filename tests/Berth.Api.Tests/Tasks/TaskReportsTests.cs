using Berth.Control.Tasks;
using Berth.Core.Agent;
using Berth.Core.Ecs;
using Berth.Core.Tasks;
using Berth.Store;

namespace Berth.Api.Tests.Tasks;

/// <summary>What an agent's report tells its caller, which wakes the service and daemon schedulers on <see cref="TaskReports.Outcome.Changed"/> only.</summary>
public sealed class TaskReportsTests : IAsyncLifetime
{
    private const string InstanceArn = "arn:aws:ecs:us-east-1:000000000000:container-instance/reports/0123456789abcdef";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private OneInstanceStore? _fixture;

    private OneInstanceStore Fixture => _fixture ?? throw new InvalidOperationException("The store is not open.");

    public async Task InitializeAsync() => _fixture = await OneInstanceStore.OpenAsync(InstanceArn, Now);

    public async Task DisposeAsync() => await Fixture.DisposeAsync();

    [Theory]
    [InlineData("family:job", TaskStatuses.Running, TaskReports.Outcome.ChangedUnscheduled)]
    [InlineData("family:job", TaskStatuses.Stopped, TaskReports.Outcome.Changed)]
    [InlineData("service:web", TaskStatuses.Running, TaskReports.Outcome.Changed)]
    [InlineData("daemon:logs", TaskStatuses.Running, TaskReports.Outcome.Changed)]
    public async Task A_report_that_moves_a_task_is_recorded_and_says_whether_a_scheduler_acts_on_it(string group, string reported, TaskReports.Outcome expected)
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

        var outcome = await new TaskReports(Fixture.Store, TimeProvider.System).ApplyAsync(report, fromAgent: true, CancellationToken.None);

        Assert.Equal(expected, outcome);
        Assert.Equal(reported, (await Fixture.Store.GetAsync(EcsRecords.Tasks, task.TaskArn, CancellationToken.None))!.Value.LastStatus);
    }
}
