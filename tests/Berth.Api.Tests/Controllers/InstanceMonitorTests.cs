using Berth.Control.Agents;
using Berth.Control.Tasks;
using Berth.Core.ContainerInstances;
using Berth.Core.Cost;
using Berth.Core.Ecs;
using Berth.Core.State;
using Berth.Core.Tasks;
using Berth.Server;
using Berth.Server.Controllers;
using Berth.Store;
using Berth.Store.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Api.Tests.Controllers;

/// <summary>
/// InstanceMonitor against a real SQLite store, on a clock the test moves: the tasks of an instance whose agent went
/// silent are stopped, in one log line for the instance; forgetting a task keeps its usage, and usage older than the
/// retention goes.
/// </summary>
public sealed class InstanceMonitorTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 12, 10, 12, 0, 0, TimeSpan.Zero);

    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"berth-monitor-{Guid.NewGuid():N}.db");
    private readonly FakeTimeProvider _time = new(Start);
    private SqliteStateStore? _store;

    private SqliteStateStore Store => _store ?? throw new InvalidOperationException("The store is not open.");

    public async Task InitializeAsync() => _store = await SqliteStateStore.OpenAsync(_databasePath, CancellationToken.None);

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(_databasePath)!, Path.GetFileName(_databasePath) + "*"))
        {
            File.Delete(file);
        }
    }

    private InstanceMonitor Monitor(int usageRetentionMonths = UsageRetention.DefaultMonths) => new(
        Store, new TaskStopper(Store, new AssignmentSignals()), AgentLiveness.Default,
        new ServerOptions { UsageRetentionMonths = usageRetentionMonths }, _time, NullLogger<InstanceMonitor>.Instance);

    private static EcsTask Stopped(string id, DateTimeOffset stoppedAt) => new()
    {
        TaskArn = $"arn:aws:ecs:us-east-1:000000000000:task/demo/{id}",
        ClusterArn = "arn:aws:ecs:us-east-1:000000000000:cluster/demo",
        LaunchType = "FARGATE",
        Cpu = "256",
        Memory = "512",
        LastStatus = "STOPPED",
        DesiredStatus = "STOPPED",
        StartedAt = stoppedAt.AddMinutes(-10),
        StoppedAt = stoppedAt,
    };

    [Fact]
    public async Task The_tasks_of_an_instance_whose_agent_went_silent_are_stopped_in_one_log_line_for_the_instance()
    {
        const string InstanceArn = "arn:aws:ecs:us-east-1:000000000000:container-instance/demo/0123456789abcdef";
        var lastSeen = Start - TimeSpan.FromMinutes(10);
        await using var fixture = await OneInstanceStore.OpenAsync(InstanceArn, lastSeen);
        var tasks = Enumerable.Range(0, 3).Select(i => Stopped($"lost{i}", Start) with
        {
            LaunchType = "EC2",
            ContainerInstanceArn = InstanceArn,
            LastStatus = TaskStatuses.Running,
            DesiredStatus = TaskStatuses.Running,
            StoppedAt = null,
        }).ToList();
        await fixture.Store.CommitAsync(
            [.. tasks.Select(t => EcsRecords.PutTask(t, 0)),
                .. tasks.Select(t => EcsRecords.PutClaim(new TaskAssignmentRecord(t.TaskArn!, t.ClusterArn!, null, "job", 1, 1, [], []), InstanceArn, 0))],
            CancellationToken.None);
        using var logs = new CapturedLogs();
        using var loggers = LoggerFactory.Create(builder => builder.AddProvider(logs));
        var monitor = new InstanceMonitor(fixture.Store, new TaskStopper(fixture.Store, new AssignmentSignals()), AgentLiveness.Default, new ServerOptions(), _time,
            loggers.CreateLogger<InstanceMonitor>());

        await monitor.SweepInstancesAsync(CancellationToken.None);

        foreach (var task in tasks)
        {
            var stored = (await fixture.Store.GetAsync(EcsRecords.Tasks, task.TaskArn!, CancellationToken.None))!.Value;
            Assert.Equal((TaskStatuses.Stopped, TaskStatuses.Stopped), (stored.LastStatus, stored.DesiredStatus));
        }
        // A line per task before: 20,000 at once for a lost fleet of 2,000 instances.
        var entry = Assert.Single(logs.Since(0));
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Equal($"3 tasks lost with container instance {InstanceArn}, whose agent was last heard from at {lastSeen:u}", entry.Message);
    }

    [Fact]
    public async Task Forgetting_a_stopped_task_after_the_hour_writes_its_usage_record_in_the_same_commit()
    {
        var task = Stopped("done", Start);
        await Store.CommitAsync([EcsRecords.PutTask(task, 0)], CancellationToken.None);
        var monitor = Monitor();

        _time.Advance(TimeSpan.FromMinutes(59));
        await monitor.ForgetExpiredAsync(CancellationToken.None);
        Assert.NotNull(await Store.GetAsync(EcsRecords.Tasks, task.TaskArn!, CancellationToken.None));
        Assert.Null(await Store.GetAsync(CostRecords.TaskUsages, task.TaskArn!, CancellationToken.None));

        _time.Advance(TimeSpan.FromMinutes(2));
        await monitor.ForgetExpiredAsync(CancellationToken.None);

        Assert.Null(await Store.GetAsync(EcsRecords.Tasks, task.TaskArn!, CancellationToken.None));
        var usage = (await Store.GetAsync(CostRecords.TaskUsages, task.TaskArn!, CancellationToken.None))!.Value;
        Assert.Equal((0.25, 0.5, UsageCapacity.Fargate, task.StartedAt, task.StoppedAt), (usage.Vcpu, usage.MemoryGb, usage.Capacity, (DateTimeOffset?)usage.StartedAt, usage.StoppedAt));
    }

    [Fact]
    public async Task Usage_records_are_kept_for_this_month_and_the_retention_months_before_it()
    {
        // On 2026-12-10 with 13 months kept, the oldest month kept is November 2025.
        var kept = TaskUsage.Of(Stopped("kept", new DateTimeOffset(2025, 11, 1, 0, 0, 0, TimeSpan.Zero)))!;
        var expired = TaskUsage.Of(Stopped("expired", new DateTimeOffset(2025, 10, 31, 23, 59, 0, TimeSpan.Zero)))!;
        await Store.CommitAsync([CostRecords.PutUsage(kept), CostRecords.PutUsage(expired)], CancellationToken.None);

        await Monitor().SweepUsageAsync(CancellationToken.None);

        Assert.NotNull(await Store.GetAsync(CostRecords.TaskUsages, kept.TaskArn, CancellationToken.None));
        Assert.Null(await Store.GetAsync(CostRecords.TaskUsages, expired.TaskArn, CancellationToken.None));

        // A month later, November 2025 has left the window too.
        _time.Advance(TimeSpan.FromDays(31));
        await Monitor().SweepUsageAsync(CancellationToken.None);
        Assert.Null(await Store.GetAsync(CostRecords.TaskUsages, kept.TaskArn, CancellationToken.None));
    }

    [Fact]
    public async Task A_shorter_retention_keeps_fewer_months()
    {
        var lastMonth = TaskUsage.Of(Stopped("november", new DateTimeOffset(2026, 11, 15, 0, 0, 0, TimeSpan.Zero)))!;
        var before = TaskUsage.Of(Stopped("october", new DateTimeOffset(2026, 10, 15, 0, 0, 0, TimeSpan.Zero)))!;
        await Store.CommitAsync([CostRecords.PutUsage(lastMonth), CostRecords.PutUsage(before)], CancellationToken.None);

        await Monitor(usageRetentionMonths: 1).SweepUsageAsync(CancellationToken.None);

        Assert.NotNull(await Store.GetAsync(CostRecords.TaskUsages, lastMonth.TaskArn, CancellationToken.None));
        Assert.Null(await Store.GetAsync(CostRecords.TaskUsages, before.TaskArn, CancellationToken.None));
    }
}
