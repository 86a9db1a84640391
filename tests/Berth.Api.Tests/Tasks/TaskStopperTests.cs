using Berth.Control.Agents;
using Berth.Control.Tasks;
using Berth.Core.Ecs;
using Berth.Core.Tasks;
using Berth.Store;

namespace Berth.Api.Tests.Tasks;

/// <summary>Stopping many tasks at once (a service scaling in) against a real SQLite store: few commits, none lost to a conflict.</summary>
public sealed class TaskStopperTests : IAsyncLifetime
{
    private const string InstanceArn = "arn:aws:ecs:us-east-1:000000000000:container-instance/demo/0123456789abcdef0123456789abcdef";
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 15, 0, 0, TimeSpan.Zero);

    private OneInstanceStore? _fixture;

    private OneInstanceStore Fixture => _fixture ?? throw new InvalidOperationException("The store is not open.");

    public async Task InitializeAsync() => _fixture = await OneInstanceStore.OpenAsync(InstanceArn, Now);

    public async Task DisposeAsync() => await Fixture.DisposeAsync();

    private static EcsTask Running(int i) => new()
    {
        TaskArn = $"arn:aws:ecs:us-east-1:000000000000:task/demo/{i:D32}",
        ClusterArn = "arn:aws:ecs:us-east-1:000000000000:cluster/demo",
        ContainerInstanceArn = InstanceArn,
        LaunchType = "EC2",
        Group = "service:web",
        LastStatus = TaskStatuses.Running,
        DesiredStatus = TaskStatuses.Running,
        CreatedAt = Now,
    };

    private async Task<IReadOnlyList<EcsTask>> SeedAsync(int count)
    {
        var tasks = Enumerable.Range(0, count).Select(Running).ToList();
        await Fixture.Store.CommitAsync([.. tasks.Select(t => EcsRecords.PutTask(t, 0))], CancellationToken.None);
        return tasks;
    }

    private async Task<IReadOnlyList<EcsTask>> StoredAsync(IReadOnlyList<EcsTask> tasks) =>
        [.. (await Fixture.Store.GetManyAsync(EcsRecords.Tasks, [.. tasks.Select(t => t.TaskArn!)], CancellationToken.None)).Values.Select(t => t.Value)];

    private async Task<long> AssignmentsVersionAsync() =>
        (await Fixture.Store.GetAsync(EcsRecords.ContainerInstances, InstanceArn, CancellationToken.None))!.Value.AssignmentsVersion;

    [Fact]
    public async Task Many_stops_are_committed_a_batch_at_a_time_with_their_instance_moved_once_per_batch()
    {
        var tasks = await SeedAsync(TaskStopper.TasksPerCommit + 5);
        var store = new CountingCommits(Fixture.Store);
        var signals = new AssignmentSignals();
        var heard = signals.Changed(InstanceArn);
        var before = await AssignmentsVersionAsync();

        await new TaskStopper(store, signals).RequestStopsAsync(
            [.. tasks.Select(t => (t.TaskArn!, "Scaling activity initiated by (deployment ecs-svc/1)"))], "ServiceSchedulerInitiated", Now, CancellationToken.None);

        Assert.Equal(2, store.Commits);
        Assert.Equal(before + 2, await AssignmentsVersionAsync());
        Assert.True(heard.IsCompleted);
        Assert.All(await StoredAsync(tasks), t => Assert.Equal(
            (TaskStatuses.Stopped, "ServiceSchedulerInitiated", "Scaling activity initiated by (deployment ecs-svc/1)"),
            (t.DesiredStatus, t.StopCode, t.StoppedReason)));
    }

    [Fact]
    public async Task A_batch_that_conflicts_is_redone_one_task_at_a_time_and_loses_none()
    {
        var tasks = await SeedAsync(5);
        // Another writer moves one task (a report) between the batch's read and its commit.
        var store = new InterleavingStore(Fixture.Store, async inner =>
        {
            var moved = await inner.GetAsync(EcsRecords.Tasks, tasks[2].TaskArn!, CancellationToken.None);
            await inner.CommitAsync([EcsRecords.PutTask(moved!.Value with { HealthStatus = "HEALTHY" }, moved.Version)], CancellationToken.None);
        });

        await new TaskStopper(store, new AssignmentSignals()).RequestStopsAsync(
            [.. tasks.Select(t => (t.TaskArn!, "scaling in"))], "ServiceSchedulerInitiated", Now, CancellationToken.None);

        var stored = await StoredAsync(tasks);
        Assert.All(stored, t => Assert.Equal(TaskStatuses.Stopped, t.DesiredStatus));
        Assert.Equal("HEALTHY", stored.Single(t => t.TaskArn == tasks[2].TaskArn).HealthStatus);
    }

    [Fact]
    public async Task Tasks_already_stopping_or_gone_are_left_alone()
    {
        var tasks = await SeedAsync(3);
        var stopper = new TaskStopper(Fixture.Store, new AssignmentSignals());
        await stopper.RequestStopAsync(tasks[0].TaskArn!, "first", "UserInitiated", Now, CancellationToken.None);

        await stopper.RequestStopsAsync(
            [(tasks[0].TaskArn!, "second"), (tasks[1].TaskArn!, "second"), ("arn:aws:ecs:us-east-1:000000000000:task/demo/gone", "second")],
            "ServiceSchedulerInitiated", Now, CancellationToken.None);

        var stored = (await StoredAsync(tasks)).ToDictionary(t => t.TaskArn!);
        Assert.Equal(("UserInitiated", "first"), (stored[tasks[0].TaskArn!].StopCode, stored[tasks[0].TaskArn!].StoppedReason));
        Assert.Equal(("ServiceSchedulerInitiated", "second"), (stored[tasks[1].TaskArn!].StopCode, stored[tasks[1].TaskArn!].StoppedReason));
        Assert.Equal(TaskStatuses.Running, stored[tasks[2].TaskArn!].DesiredStatus);
    }

    /// <summary>Runs <c>interleave</c> on the inner store once, just before the first commit made through it.</summary>
    private sealed class InterleavingStore(IStateStore inner, Func<IStateStore, Task> interleave) : ForwardingStore(inner)
    {
        private bool _done;

        public override async Task CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken)
        {
            if (!_done)
            {
                _done = true;
                await interleave(Inner);
            }
            await base.CommitAsync(writes, cancellationToken);
        }
    }
}
