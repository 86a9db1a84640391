using System.Text.Json;
using Berth.Control.Tasks;
using Berth.Core.Agent;
using Berth.Core.Ecs;
using Berth.Core.Scheduling;
using Berth.Core.State;
using Berth.Core.Tasks;
using Berth.Store;

namespace Berth.Api.Tests.Tasks;

/// <summary>
/// What an agent's report tells its caller, which wakes the service and daemon rounds its change calls for
/// (<see cref="TaskReports.Applied.Wake"/>); an agent's batch of reports, applied in one commit or, after a conflict,
/// each on its own; and the batches of concurrent requests (<see cref="TaskReportBatches"/>).
/// </summary>
public sealed class TaskReportsTests : IAsyncLifetime
{
    private const string InstanceArn = "arn:aws:ecs:us-east-1:000000000000:container-instance/reports/0123456789abcdef";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private static readonly IReadOnlyDictionary<string, TaskReports.KnownTask> NoneKnown = new Dictionary<string, TaskReports.KnownTask>();
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

        Assert.Equal((TaskReports.Outcome.Changed, new SchedulerWake(everything, subject)), (applied.Outcome, applied.Wake));
        Assert.Equal(reported, (await Fixture.Store.GetAsync(EcsRecords.Tasks, task.TaskArn, CancellationToken.None))!.Value.LastStatus);
    }

    [Fact]
    public async Task A_batch_is_one_commit_answering_each_report_and_moving_the_instance_once_for_all_its_stopped_tasks()
    {
        var (running, stopping, alsoStopping) = (Task("run"), Task("stop"), Task("stop-too"));
        var elsewhere = Task("elsewhere") with { ContainerInstanceArn = InstanceArn + "-other" };
        await PlaceAsync(running, stopping, alsoStopping, elsewhere);
        var store = new CountingCommits(Fixture.Store);

        var outcomes = await new TaskReports(store, TimeProvider.System).ApplyAllAsync(
            [Report(running, TaskStatuses.Running), Report(Task("unknown"), TaskStatuses.Running), Report(stopping, TaskStatuses.Stopped),
                Report(elsewhere, TaskStatuses.Running), Report(alsoStopping, TaskStatuses.Stopped)],
            fromAgent: true, NoneKnown, CancellationToken.None);

        Assert.Equal([TaskReports.Outcome.Changed, TaskReports.Outcome.NotFound, TaskReports.Outcome.Changed, TaskReports.Outcome.NotOwn,
            TaskReports.Outcome.Changed], outcomes.Select(o => o.Outcome));
        // Each report carries the rounds its own change calls for: a standalone task's start none, a stop every round.
        Assert.Equal([SchedulerWake.None, SchedulerWake.None, SchedulerWake.All, SchedulerWake.None, SchedulerWake.All], outcomes.Select(o => o.Wake));
        Assert.Equal(1, store.Commits);
        Assert.Equal(TaskStatuses.Running, (await StatusAsync(running)).LastStatus);
        Assert.Equal(TaskStatuses.Pending, (await StatusAsync(elsewhere)).LastStatus);
        Assert.Null(await Fixture.Store.GetAsync(EcsRecords.TaskAssignments, stopping.TaskArn!, CancellationToken.None));
        Assert.Null(await Fixture.Store.GetAsync(EcsRecords.TaskAssignments, alsoStopping.TaskArn!, CancellationToken.None));
        // A task that runs keeps its claim as placed: the report wrote the task alone.
        Assert.Equal(1, (await Fixture.Store.GetAsync(EcsRecords.TaskAssignments, running.TaskArn!, CancellationToken.None))!.Version);
        Assert.Equal(2, (await Fixture.Store.GetAsync(EcsRecords.ContainerInstances, InstanceArn, CancellationToken.None))!.Value.AssignmentsVersion);
    }

    [Fact]
    public async Task A_batch_reads_its_tasks_the_claims_of_those_that_change_and_the_instances_they_free_once_each()
    {
        var (running, stopping, unchanged) = (Task("run"), Task("stop"), Task("same"));
        await PlaceAsync(running, stopping, unchanged);
        var store = new CountingReads(Fixture.Store);

        await new TaskReports(store, TimeProvider.System).ApplyAllAsync(
            [Report(running, TaskStatuses.Running), Report(Task("unknown"), TaskStatuses.Running), Report(stopping, TaskStatuses.Stopped),
                Report(unchanged, TaskStatuses.Pending) with { StartedAt = null }],
            fromAgent: true, NoneKnown, CancellationToken.None);

        Assert.Equal(
            [$"{EcsRecords.Tasks.Kind}: run unknown stop same", $"{EcsRecords.TaskAssignments.Kind}: run stop", $"{EcsRecords.ContainerInstances.Kind}: {InstanceArn}"],
            store.Reads.Select(r => $"{r.Kind}: {string.Join(' ', r.Ids.Select(id => id.StartsWith("arn:aws:ecs:us-east-1:000000000000:task/", StringComparison.Ordinal) ? id.Split('/')[^1] : id))}"));
    }

    [Fact]
    public async Task A_task_moved_by_someone_else_mid_batch_fails_none_of_the_reports()
    {
        var (first, moved) = (Task("first"), Task("moved"));
        await PlaceAsync(first, moved);
        // Between the batch's reads and its commit, StopTask lands on one of its tasks.
        var store = new WriteBeforeCommit(Fixture.Store, async inner =>
        {
            var current = await inner.GetAsync(EcsRecords.Tasks, moved.TaskArn!, CancellationToken.None);
            await inner.CommitAsync([EcsRecords.PutTask(current!.Value with { DesiredStatus = TaskStatuses.Stopped }, current.Version)], CancellationToken.None);
        });

        var outcomes = await new TaskReports(store, TimeProvider.System).ApplyAllAsync(
            [Report(first, TaskStatuses.Running), Report(moved, TaskStatuses.Running)], fromAgent: true, NoneKnown, CancellationToken.None);

        Assert.Equal([TaskReports.Outcome.Changed, TaskReports.Outcome.Changed], outcomes.Select(o => o.Outcome));
        Assert.Equal(TaskStatuses.Running, (await StatusAsync(first)).LastStatus);
        var after = await StatusAsync(moved);
        Assert.Equal((TaskStatuses.Running, TaskStatuses.Stopped), (after.LastStatus, after.DesiredStatus));
    }

    [Fact]
    public async Task A_task_named_twice_in_a_batch_ends_at_its_later_report()
    {
        var task = Task("twice");
        await PlaceAsync(task);

        var outcomes = await new TaskReports(Fixture.Store, TimeProvider.System).ApplyAllAsync(
            [Report(task, TaskStatuses.Running), Report(task, TaskStatuses.Stopped)], fromAgent: true, NoneKnown, CancellationToken.None);

        Assert.Equal([TaskReports.Outcome.Changed, TaskReports.Outcome.Changed], outcomes.Select(o => o.Outcome));
        Assert.Equal(TaskStatuses.Stopped, (await StatusAsync(task)).LastStatus);
    }

    [Fact]
    public async Task A_report_on_a_known_task_reads_neither_it_nor_its_claim_and_says_what_it_committed()
    {
        var task = Task("known");
        await PlaceAsync(task);
        var known = await KnownAsync(task);
        var store = new CountingReads(Fixture.Store);

        var outcomes = await new TaskReports(store, TimeProvider.System).ApplyAllAsync([Report(task, TaskStatuses.Running)], fromAgent: true, known, CancellationToken.None);

        Assert.Equal(TaskReports.Outcome.Changed, outcomes[0].Outcome);
        Assert.DoesNotContain(store.Reads, r => r.Ids.Length > 0);
        // What it says it committed is what the store holds now, version and all.
        var committed = outcomes[0].Committed!;
        var stored = (await Fixture.Store.GetAsync(EcsRecords.Tasks, task.TaskArn!, CancellationToken.None))!;
        var claim = (await Fixture.Store.GetAsync(EcsRecords.TaskAssignments, task.TaskArn!, CancellationToken.None))!;
        Assert.Equal((stored.Version, Json(stored.Value)), (committed.Task.Version, Json(committed.Task.Value)));
        Assert.Equal((claim.Version, Json(claim.Value)), (committed.Claim.Version, Json(committed.Claim.Value)));
        Assert.Equal(1, claim.Version);
    }

    [Fact]
    public async Task A_known_task_written_since_it_was_read_is_applied_afresh()
    {
        var task = Task("moved-since");
        await PlaceAsync(task);
        var known = await KnownAsync(task);
        var current = (await Fixture.Store.GetAsync(EcsRecords.Tasks, task.TaskArn!, CancellationToken.None))!;
        await Fixture.Store.CommitAsync([EcsRecords.PutTask(current.Value with { DesiredStatus = TaskStatuses.Stopped }, current.Version)], CancellationToken.None);

        var outcomes = await new TaskReports(Fixture.Store, TimeProvider.System).ApplyAllAsync([Report(task, TaskStatuses.Running)], fromAgent: true, known, CancellationToken.None);

        Assert.Equal(TaskReports.Outcome.Changed, outcomes[0].Outcome);
        var after = await StatusAsync(task);
        Assert.Equal((TaskStatuses.Running, TaskStatuses.Stopped), (after.LastStatus, after.DesiredStatus));
        Assert.Equal(3, outcomes[0].Committed!.Task.Version);
    }

    /// <summary>Nothing is committed for such a report, so nothing would check the known task's version: it is read.</summary>
    [Fact]
    public async Task A_report_that_would_change_nothing_of_a_known_task_is_answered_from_a_read()
    {
        var task = Task("gone-since");
        await PlaceAsync(task);
        var known = await KnownAsync(task);
        var (stored, claim) = known[task.TaskArn!];
        await Fixture.Store.CommitAsync([EcsRecords.Tasks.Delete(stored), EcsRecords.TaskAssignments.Delete(claim)], CancellationToken.None);

        var outcomes = await new TaskReports(Fixture.Store, TimeProvider.System).ApplyAllAsync(
            [Report(task, TaskStatuses.Pending) with { StartedAt = null }], fromAgent: true, known, CancellationToken.None);

        Assert.Equal(TaskReports.Outcome.NotFound, outcomes[0].Outcome);
    }

    [Fact]
    public async Task Requests_that_wait_while_a_batch_commits_are_applied_together_and_each_answered_with_its_own_reports()
    {
        var (first, second, third) = (Task("first"), Task("second"), Task("third"));
        await PlaceAsync(first, second, third);
        var known = await KnownAsync(second);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var commits = new CountingCommits(new WriteBeforeCommit(Fixture.Store, _ => release.Task));
        var reads = new CountingReads(commits);
        var batches = new TaskReportBatches(new TaskReports(reads, TimeProvider.System));

        // The first request is a batch of its own, held in its commit; two more queue behind it meanwhile.
        var alone = batches.ApplyAsync([Report(first, TaskStatuses.Running)], fromAgent: true, NoneKnown, CancellationToken.None);
        var waiting = new[]
        {
            batches.ApplyAsync([Report(second, TaskStatuses.Running), Report(Task("unknown"), TaskStatuses.Running)], fromAgent: true, known, CancellationToken.None),
            batches.ApplyAsync([Report(third, TaskStatuses.Stopped)], fromAgent: true, NoneKnown, CancellationToken.None),
        };
        Assert.DoesNotContain(waiting, w => w.IsCompleted);
        // Other callers' reports are batched apart from agents': they wait for no agent's batch.
        var fromOther = await batches.ApplyAsync(
            [Report(Task("elsewhere") with { ContainerInstanceArn = InstanceArn + "-other" }, TaskStatuses.Running)], fromAgent: false, NoneKnown, CancellationToken.None);
        Assert.Equal(TaskReports.Outcome.NotFound, Assert.Single(fromOther).Outcome);

        release.SetResult();

        Assert.Equal(TaskReports.Outcome.Changed, Assert.Single(await alone).Outcome);
        var answers = await System.Threading.Tasks.Task.WhenAll(waiting);
        Assert.Equal([TaskReports.Outcome.Changed, TaskReports.Outcome.NotFound], answers[0].Select(o => o.Outcome));
        Assert.Equal(SchedulerWake.All, Assert.Single(answers[1]).Wake);
        Assert.Equal(2, commits.Commits);
        Assert.Equal((TaskStatuses.Running, TaskStatuses.Running, TaskStatuses.Stopped),
            ((await StatusAsync(first)).LastStatus, (await StatusAsync(second)).LastStatus, (await StatusAsync(third)).LastStatus));
        // What one request knew spared the batch that applied it a read.
        Assert.DoesNotContain(reads.Reads, r => r.Ids.Contains(second.TaskArn));
    }

    [Fact]
    public async Task When_a_batch_of_requests_loses_a_race_each_request_is_applied_apart_and_the_others_still_in_one_commit()
    {
        var (first, second, third, moved) = (Task("first"), Task("second"), Task("third"), Task("moved"));
        await PlaceAsync(first, second, third, moved);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The first commit (a request alone) waits for the release; before the second (the requests that queued behind
        // it, together), StopTask lands on one of their tasks.
        var commits = new CountingCommits(new WriteBeforeCommit(new WriteBeforeCommit(Fixture.Store, _ => release.Task), async inner =>
        {
            var current = await inner.GetAsync(EcsRecords.Tasks, moved.TaskArn!, CancellationToken.None);
            await inner.CommitAsync([EcsRecords.PutTask(current!.Value with { DesiredStatus = TaskStatuses.Stopped }, current.Version)], CancellationToken.None);
        }, number: 2));
        var batches = new TaskReportBatches(new TaskReports(commits, TimeProvider.System));

        var alone = batches.ApplyAsync([Report(first, TaskStatuses.Running)], fromAgent: true, NoneKnown, CancellationToken.None);
        var waiting = new[]
        {
            batches.ApplyAsync([Report(second, TaskStatuses.Running), Report(third, TaskStatuses.Running)], fromAgent: true, NoneKnown, CancellationToken.None),
            batches.ApplyAsync([Report(moved, TaskStatuses.Running)], fromAgent: true, NoneKnown, CancellationToken.None),
        };
        release.SetResult();
        await alone;
        var answers = await System.Threading.Tasks.Task.WhenAll(waiting);

        Assert.All(answers.SelectMany(a => a), o => Assert.Equal(TaskReports.Outcome.Changed, o.Outcome));
        // The lone request, the batch that lost, then each request in one commit of its own (not one per report).
        Assert.Equal(4, commits.Commits);
        var after = await StatusAsync(moved);
        Assert.Equal((TaskStatuses.Running, TaskStatuses.Stopped), (after.LastStatus, after.DesiredStatus));
        Assert.Equal((TaskStatuses.Running, TaskStatuses.Running), ((await StatusAsync(second)).LastStatus, (await StatusAsync(third)).LastStatus));
    }

    private static EcsTask Task(string id) => new()
    {
        TaskArn = $"arn:aws:ecs:us-east-1:000000000000:task/reports/{id}",
        ClusterArn = "arn:aws:ecs:us-east-1:000000000000:cluster/reports",
        ContainerInstanceArn = InstanceArn,
        Group = "family:job",
        LastStatus = TaskStatuses.Pending,
        DesiredStatus = TaskStatuses.Running,
        Containers = [],
    };

    private static AgentTaskReport Report(EcsTask task, string status) =>
        new() { ContainerInstanceArn = InstanceArn, TaskArn = task.TaskArn!, LastStatus = status, StartedAt = Now, Containers = [] };

    /// <summary>The tasks and their claims on the instance, as a placement leaves them.</summary>
    private async Task PlaceAsync(params EcsTask[] tasks) => await Fixture.Store.CommitAsync(
        [.. tasks.SelectMany(t => new RecordWrite[]
        {
            EcsRecords.PutTask(t, 0),
            EcsRecords.PutClaim(new TaskAssignmentRecord(t.TaskArn!, t.ClusterArn!, t.Group, "job", 1, 1, [], []), t.ContainerInstanceArn!, 0),
        })],
        CancellationToken.None);

    /// <summary>The task and its claim as they are stored now, as a poll answer would have read them.</summary>
    private async Task<IReadOnlyDictionary<string, TaskReports.KnownTask>> KnownAsync(EcsTask task) => new Dictionary<string, TaskReports.KnownTask>
    {
        [task.TaskArn!] = new(
            (await Fixture.Store.GetAsync(EcsRecords.Tasks, task.TaskArn!, CancellationToken.None))!,
            (await Fixture.Store.GetAsync(EcsRecords.TaskAssignments, task.TaskArn!, CancellationToken.None))!),
    };

    private static string Json(EcsTask task) => JsonSerializer.Serialize(task, StateJsonContext.Default.EcsTask);

    private static string Json(TaskAssignmentRecord claim) => JsonSerializer.Serialize(claim, StateJsonContext.Default.TaskAssignmentRecord);

    private async Task<EcsTask> StatusAsync(EcsTask task) => (await Fixture.Store.GetAsync(EcsRecords.Tasks, task.TaskArn!, CancellationToken.None))!.Value;
}
