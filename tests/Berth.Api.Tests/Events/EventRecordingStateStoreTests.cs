using Berth.Control.Events;
using Berth.Core.Ecs;
using Berth.Store;
using Berth.Store.Events;
using Berth.Store.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Api.Tests.Events;

/// <summary>The recorder over the real SQLite store and event log: events exactly for the commits that happened.</summary>
public sealed class EventRecordingStateStoreTests : IAsyncLifetime
{
    private const string ClusterArn = "arn:aws:ecs:us-east-1:000000000000:cluster/rec";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"berth-recorder-{Guid.NewGuid():N}");
    private SqliteEventLog _log = null!;
    private EventRecordingStateStore _store = null!;

    public async Task InitializeAsync()
    {
        _log = await SqliteEventLog.OpenAsync(Path.Combine(_directory, "events.db"), CancellationToken.None);
        var state = await SqliteStateStore.OpenAsync(Path.Combine(_directory, "berth.db"), CancellationToken.None);
        _store = new EventRecordingStateStore(state, _log, TimeProvider.System, NullLogger<EventRecordingStateStore>.Instance);
    }

    private static EcsTask Task(string id, string lastStatus, string desiredStatus) => new()
    {
        TaskArn = $"arn:aws:ecs:us-east-1:000000000000:task/rec/{id}",
        ClusterArn = ClusterArn,
        LastStatus = lastStatus,
        DesiredStatus = desiredStatus,
    };

    private static PutRecord Put(EcsTask task, long expectedVersion) =>
        EcsRecords.Tasks.Put(task.TaskArn!, ClusterArn, EcsRecords.TaskSortKey(task), task, expectedVersion);

    private async Task<IReadOnlyList<string>> LoggedTaskStatusesAsync() =>
        (await _log.ReadAsync(new EventLogQuery(0, null, null, 100), CancellationToken.None))
        .Select(e => System.Text.Json.Nodes.JsonNode.Parse(e.Data)!["detail"]!)
        .Select(d => $"{((string)d["taskArn"]!)[^1..]} {(string?)d["lastStatus"]}/{(string?)d["desiredStatus"]}")
        .ToList();

    [Fact]
    public async Task A_commit_that_conflicts_records_nothing_and_one_that_keeps_the_statuses_records_nothing()
    {
        await _store.CommitAsync([Put(Task("a", "PENDING", "RUNNING"), 0)], CancellationToken.None);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            _store.CommitAsync([Put(Task("b", "PENDING", "RUNNING"), 0), Put(Task("a", "RUNNING", "RUNNING"), 7)], CancellationToken.None));
        await _store.CommitAsync([Put(Task("a", "PENDING", "RUNNING") with { HealthStatus = "HEALTHY" }, 1)], CancellationToken.None);
        await _store.CommitAsync([Put(Task("a", "RUNNING", "RUNNING"), 2)], CancellationToken.None);

        Assert.Equal(["a PENDING/RUNNING", "a RUNNING/RUNNING"], await LoggedTaskStatusesAsync());
    }

    [Fact]
    public async Task Each_task_of_one_commit_is_compared_with_its_own_previous_version()
    {
        await _store.CommitAsync([Put(Task("a", "PENDING", "RUNNING"), 0), Put(Task("b", "RUNNING", "RUNNING"), 0)], CancellationToken.None);

        await _store.CommitAsync([Put(Task("a", "PENDING", "STOPPED"), 1), Put(Task("b", "RUNNING", "RUNNING") with { HealthStatus = "HEALTHY" }, 1)],
            CancellationToken.None);

        Assert.Equal(["a PENDING/RUNNING", "b RUNNING/RUNNING", "a PENDING/STOPPED"], await LoggedTaskStatusesAsync());
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _log.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
