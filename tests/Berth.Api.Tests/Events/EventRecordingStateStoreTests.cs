using Berth.Control.Events;
using Berth.Core.Ecs;
using Berth.Store;
using Berth.Store.Events;
using Berth.Store.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Api.Tests.Events;

/// <summary>
/// The recorder over the real SQLite store and event log: events exactly for the commits that happened, in their
/// order, and read through <see cref="CaughtUpEventLog"/> (what the event stream reads) right after a commit.
/// </summary>
public sealed class EventRecordingStateStoreTests : IAsyncLifetime
{
    private const string ClusterArn = "arn:aws:ecs:us-east-1:000000000000:cluster/rec";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"berth-recorder-{Guid.NewGuid():N}");
    private SqliteEventLog _file = null!;
    private EventAppendQueue _appends = null!;
    private CaughtUpEventLog _log = null!;
    private SqliteStateStore _state = null!;
    private EventRecordingStateStore _store = null!;

    public async Task InitializeAsync()
    {
        _file = await SqliteEventLog.OpenAsync(Path.Combine(_directory, "events.db"), CancellationToken.None);
        _appends = new EventAppendQueue(_file, NullLogger<EventAppendQueue>.Instance);
        _log = new CaughtUpEventLog(_file, _appends);
        _state = await SqliteStateStore.OpenAsync(Path.Combine(_directory, "berth.db"), CancellationToken.None);
        _store = new EventRecordingStateStore(_state, _appends, TimeProvider.System, NullLogger<EventRecordingStateStore>.Instance);
    }

    private static EcsTask TaskRecord(string id, string lastStatus, string desiredStatus) => new()
    {
        TaskArn = $"arn:aws:ecs:us-east-1:000000000000:task/rec/{id}",
        ClusterArn = ClusterArn,
        LastStatus = lastStatus,
        DesiredStatus = desiredStatus,
    };

    private static PutRecord Put(EcsTask task, long expectedVersion) =>
        EcsRecords.Tasks.Put(task.TaskArn!, ClusterArn, EcsRecords.TaskSortKey(task), task, expectedVersion);

    private Task<IReadOnlyList<string>> LoggedTaskStatusesAsync() => LoggedTaskStatusesAsync(_log);

    private static async Task<IReadOnlyList<string>> LoggedTaskStatusesAsync(IEventLog log) =>
        (await log.ReadAsync(new EventLogQuery(0, null, null, 10_000), CancellationToken.None))
        .Select(e => System.Text.Json.Nodes.JsonNode.Parse(e.Data)!["detail"]!)
        .Select(d => $"{((string)d["taskArn"]!).Split('/')[^1]} {(string?)d["lastStatus"]}/{(string?)d["desiredStatus"]}")
        .ToList();

    [Fact]
    public async Task A_commit_that_conflicts_records_nothing_and_one_that_keeps_the_statuses_records_nothing()
    {
        await _store.CommitAsync([Put(TaskRecord("a", "PENDING", "RUNNING"), 0)], CancellationToken.None);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            _store.CommitAsync([Put(TaskRecord("b", "PENDING", "RUNNING"), 0), Put(TaskRecord("a", "RUNNING", "RUNNING"), 7)], CancellationToken.None));
        await _store.CommitAsync([Put(TaskRecord("a", "PENDING", "RUNNING") with { HealthStatus = "HEALTHY" }, 1)], CancellationToken.None);
        await _store.CommitAsync([Put(TaskRecord("a", "RUNNING", "RUNNING"), 2)], CancellationToken.None);

        Assert.Equal(["a PENDING/RUNNING", "a RUNNING/RUNNING"], await LoggedTaskStatusesAsync());
    }

    [Fact]
    public async Task Each_task_of_one_commit_is_compared_with_its_own_previous_version()
    {
        await _store.CommitAsync([Put(TaskRecord("a", "PENDING", "RUNNING"), 0), Put(TaskRecord("b", "RUNNING", "RUNNING"), 0)], CancellationToken.None);

        await _store.CommitAsync([Put(TaskRecord("a", "PENDING", "STOPPED"), 1), Put(TaskRecord("b", "RUNNING", "RUNNING") with { HealthStatus = "HEALTHY" }, 1)],
            CancellationToken.None);

        Assert.Equal(["a PENDING/RUNNING", "b RUNNING/RUNNING", "a PENDING/STOPPED"], await LoggedTaskStatusesAsync());
    }

    [Fact]
    public async Task The_previous_bodies_of_a_commit_are_read_at_once_and_only_for_the_records_it_updates()
    {
        await _store.CommitAsync([Put(TaskRecord("a", "PENDING", "RUNNING"), 0), Put(TaskRecord("b", "PENDING", "RUNNING"), 0)], CancellationToken.None);
        var reads = new CountingReads(_state);
        var store = new EventRecordingStateStore(reads, _appends, TimeProvider.System, NullLogger<EventRecordingStateStore>.Instance);

        await store.CommitAsync(
            [Put(TaskRecord("a", "RUNNING", "RUNNING"), 1), Put(TaskRecord("c", "PENDING", "RUNNING"), 0), Put(TaskRecord("b", "PENDING", "STOPPED"), 1)],
            CancellationToken.None);

        Assert.Equal([$"{EcsRecords.Tasks.Kind}: a b"], reads.Reads.Select(r => $"{r.Kind}: {string.Join(' ', r.Ids.Select(id => id.Split('/')[^1]))}"));
        Assert.Equal(["a PENDING/RUNNING", "b PENDING/RUNNING", "a RUNNING/RUNNING", "c PENDING/RUNNING", "b PENDING/STOPPED"], await LoggedTaskStatusesAsync());
    }

    [Fact]
    public async Task Concurrent_commits_of_many_tasks_log_each_task_s_statuses_in_the_order_they_were_committed()
    {
        string[] lifecycle = ["PROVISIONING", "PENDING", "ACTIVATING", "RUNNING", "DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED"];

        // Each task's next status is committed from the one before it, as every caller does; the tasks race each other.
        await Task.WhenAll(Enumerable.Range(0, 16).Select(n => Task.Run(async () =>
        {
            for (var i = 0; i < lifecycle.Length; i++)
            {
                await _store.CommitAsync([Put(TaskRecord($"t{n}", lifecycle[i], "RUNNING"), i)], CancellationToken.None);
            }
        })));

        var logged = await LoggedTaskStatusesAsync();
        Assert.Equal(16 * lifecycle.Length, logged.Count);
        foreach (var n in Enumerable.Range(0, 16))
        {
            Assert.Equal(lifecycle.Select(s => $"t{n} {s}/RUNNING"), logged.Where(e => e.StartsWith($"t{n} ", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task Concurrent_commits_that_conflict_record_nothing_and_the_others_record_theirs()
    {
        await _store.CommitAsync([Put(TaskRecord("a", "PENDING", "RUNNING"), 0)], CancellationToken.None);

        // Eight writers move task a from the same version (one wins); eight others create tasks of their own.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(n => Task.Run(async () =>
        {
            var write = n % 2 == 0 ? Put(TaskRecord("a", $"RUNNING{n}", "RUNNING"), 1) : Put(TaskRecord($"n{n}", "PENDING", "RUNNING"), 0);
            try
            {
                await _store.CommitAsync([write], CancellationToken.None);
                return true;
            }
            catch (ConcurrencyConflictException)
            {
                return false;
            }
        })));

        Assert.Equal(9, outcomes.Count(applied => applied));
        var current = EcsRecords.Tasks.Deserialize((await _store.GetAsync(EcsRecords.TaskKind, TaskRecord("a", "", "").TaskArn!, CancellationToken.None))!);
        var expected = new[] { "a PENDING/RUNNING", $"a {current.LastStatus}/RUNNING" }
            .Concat(Enumerable.Range(0, 16).Where(n => n % 2 == 1).Select(n => $"n{n} PENDING/RUNNING"));
        Assert.Equal(expected.Order(), (await LoggedTaskStatusesAsync()).Order());
    }

    [Fact]
    public async Task Disposing_the_store_appends_what_its_commits_handed_in()
    {
        await _store.CommitAsync([Put(TaskRecord("a", "PENDING", "RUNNING"), 0)], CancellationToken.None);

        await _store.DisposeAsync();

        Assert.Equal(["a PENDING/RUNNING"], await LoggedTaskStatusesAsync(_file));
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _log.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
