using System.Text;
using System.Text.Json;
using Berth.Api.Agent;
using Berth.Control.Agents;
using Berth.Control.Identity;
using Berth.Control.Secrets;
using Berth.Control.Services;
using Berth.Control.Tasks;
using Berth.Core.Agent;
using Berth.Core.ContainerInstances;
using Berth.Core.Ecs;
using Berth.Core.State;
using Berth.Core.Tasks;
using Berth.Store;
using Berth.Store.Identity;
using Berth.Store.Sqlite;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Api.Tests.Agent;

/// <summary>
/// The agent long-poll's wake-up, against a real SQLite store. Time is frozen, so the poll's one-second re-read
/// never comes: only a wake-up can answer it, and a lost one shows as a poll that never returns.
/// </summary>
public sealed class AgentPollTests : IAsyncLifetime
{
    private const string InstanceArn = "arn:aws:ecs:us-east-1:000000000000:container-instance/poll/0123456789abcdef";

    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    private readonly FrozenTime _time = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
    private readonly AssignmentSignals _signals = new();
    private readonly ChangeFeed _feed = new();
    private OneInstanceStore? _fixture;
    private HeartbeatWriter? _heartbeats;

    private OneInstanceStore Fixture => _fixture ?? throw new InvalidOperationException("The store is not open.");

    private SqliteStateStore Store => Fixture.Store;

    /// <summary>Heartbeat just now, so the poll writes no heartbeat of its own.</summary>
    public async Task InitializeAsync() => _fixture = await OneInstanceStore.OpenAsync(InstanceArn, _time.GetUtcNow());

    public async Task DisposeAsync() => await Fixture.DisposeAsync();

    [Fact]
    public async Task A_placement_committed_between_the_polls_read_and_its_wait_answers_the_poll_at_once()
    {
        var store = new PlacementAfterFirstInstanceRead(new ChangeFeedStateStore(Store, _feed), _signals);
        var handler = await HandlerAsync(store);
        using var aborted = new CancellationTokenSource();
        var http = PollRequest(assignmentsVersion: 1, aborted.Token);

        var poll = handler.PollAsync(http);
        try
        {
            await poll.WaitAsync(Guard);
        }
        finally
        {
            await aborted.CancelAsync();
        }

        Assert.Equal(200, http.Response.StatusCode);
        http.Response.Body.Position = 0;
        var response = await JsonSerializer.DeserializeAsync(http.Response.Body, StateJsonContext.Default.AgentPollResponse);
        Assert.Equal(2, response!.AssignmentsVersion);
    }

    [Fact]
    public async Task A_poll_for_an_unregistered_instance_is_gone_and_leaves_no_wake_up_key_behind()
    {
        const string Unknown = "arn:aws:ecs:us-east-1:000000000000:container-instance/poll/ffffffffffffffff";
        var handler = await HandlerAsync(Store);
        var waiter = _signals.Changed(Unknown);
        var http = PollRequest(assignmentsVersion: 1, CancellationToken.None, Unknown);

        await handler.PollAsync(http).WaitAsync(Guard);

        Assert.Equal(410, http.Response.StatusCode);
        // Only dropping the key releases a waiter here: nothing notified it.
        Assert.True(waiter.IsCompletedSuccessfully);
        Assert.False(_signals.Changed(Unknown).IsCompleted);
    }

    [Fact]
    public async Task A_poll_records_its_heartbeat_in_its_own_record_and_leaves_the_instance_record_where_it_was()
    {
        await Fixture.HeartbeatAsync(_time.GetUtcNow() - TimeSpan.FromMinutes(1));
        var handler = await HandlerAsync(Store);
        // An assignments version the agent does not have yet: the poll answers at once.
        var http = PollRequest(assignmentsVersion: 0, CancellationToken.None);

        await handler.PollAsync(http).WaitAsync(Guard);
        // Time is frozen, so the writer's collection window never ends: write what the poll queued now.
        await _heartbeats!.FlushAsync(CancellationToken.None);

        Assert.Equal(200, http.Response.StatusCode);
        Assert.Equal(_time.GetUtcNow(), (await Store.GetAsync(EcsRecords.AgentHeartbeats, InstanceArn, CancellationToken.None))!.Value.LastSeen);
        Assert.Equal(1, (await Store.GetAsync(EcsRecords.ContainerInstances, InstanceArn, CancellationToken.None))!.Version);
    }

    [Fact]
    public async Task A_poll_hands_the_claimed_tasks_read_at_once_and_leaves_out_a_claim_whose_task_is_gone()
    {
        var arns = await SeedTasksAsync("a", "gone", "b");
        var reads = new CountingReads(Store);
        var handler = await HandlerAsync(reads);

        var response = await PollAsync(handler, assignmentsVersion: 0);

        Assert.Equal([arns[0], arns[2]], response.Tasks.Select(t => t.Task.TaskArn));
        // One read for all the claimed tasks, in the claims' order (by task ARN).
        Assert.Equal([string.Join(' ', arns.Order(StringComparer.Ordinal))], reads.Reads.Where(r => r.Kind == EcsRecords.Tasks.Kind).Select(r => string.Join(' ', r.Ids)));
    }

    /// <summary>
    /// The handler keeps each answered task's JSON by the version of its record: a task written since the last answer
    /// (here: stopped) must be answered as it is now, its neighbour as before.
    /// </summary>
    [Fact]
    public async Task A_later_answer_shows_a_task_changed_since_the_last_one_as_it_is_now()
    {
        var arns = await SeedTasksAsync("a", "b");
        var handler = await HandlerAsync(Store);
        var first = await PollAsync(handler, assignmentsVersion: 0);
        var stopping = (await Store.GetAsync(EcsRecords.Tasks, arns[1], CancellationToken.None))!;
        await Store.CommitAsync([EcsRecords.PutTask(stopping.Value with { DesiredStatus = TaskStatuses.Stopped }, stopping.Version)], CancellationToken.None);

        var second = await PollAsync(handler, assignmentsVersion: 0);

        Assert.Equal([TaskStatuses.Running, TaskStatuses.Running], first.Tasks.Select(t => t.Task.DesiredStatus));
        Assert.Equal([TaskStatuses.Running, TaskStatuses.Stopped], second.Tasks.Select(t => t.Task.DesiredStatus));
        Assert.Equal(JsonSerializer.Serialize(first.Tasks[0], StateJsonContext.Default.TaskAssignment), JsonSerializer.Serialize(second.Tasks[0], StateJsonContext.Default.TaskAssignment));
    }

    /// <summary>
    /// A report on a task the last answer told its agent about is planned from what that answer read, and what it
    /// commits is kept for the next answer, which must be, byte for byte, what a server that kept nothing answers.
    /// </summary>
    [Fact]
    public async Task A_report_on_an_answered_task_reads_no_task_and_the_next_answer_is_what_a_server_that_kept_nothing_answers()
    {
        var arns = await SeedTasksAsync("a", "b");
        var reads = new CountingReads(Store);
        var handler = await HandlerAsync(reads);
        await PollAsync(handler, assignmentsVersion: 0);
        var readBefore = reads.Reads.Count;

        var report = PostRequest(JsonSerializer.Serialize(new AgentTaskReportBatch
        {
            Reports = [new AgentTaskReport { ContainerInstanceArn = InstanceArn, TaskArn = arns[0], LastStatus = TaskStatuses.Running, StartedAt = _time.GetUtcNow(), Containers = [] }],
        }, StateJsonContext.Default.AgentTaskReportBatch), CancellationToken.None);
        await handler.ReportAllAsync(report).WaitAsync(Guard);

        Assert.Equal(200, report.Response.StatusCode);
        Assert.DoesNotContain(reads.Reads.Skip(readBefore), r => r.Ids.Length > 0);
        var kept = await PollTextAsync(handler, assignmentsVersion: 0);
        var fromScratch = await PollTextAsync(await HandlerAsync(Store), assignmentsVersion: 0);
        Assert.Equal(fromScratch, kept);
        var answer = JsonSerializer.Deserialize(kept, StateJsonContext.Default.AgentPollResponse)!;
        Assert.Equal([TaskStatuses.Running, TaskStatuses.Pending], answer.Tasks.Select(t => t.Task.LastStatus));
    }

    /// <summary>Claims and tasks (desired RUNNING) of one task definition on the instance, but no task for an id named "gone"; returns their ARNs.</summary>
    private async Task<string[]> SeedTasksAsync(params string[] ids)
    {
        const string ClusterArn = "arn:aws:ecs:us-east-1:000000000000:cluster/poll";
        var definition = new TaskDefinition
        {
            TaskDefinitionArn = "arn:aws:ecs:us-east-1:000000000000:task-definition/job:1",
            Family = "job",
            Revision = 1,
            ContainerDefinitions = [],
        };
        var arns = ids.Select(id => $"arn:aws:ecs:us-east-1:000000000000:task/poll/{id}").ToArray();
        await Store.CommitAsync(
            [EcsRecords.PutTaskDefinition(new TaskDefinitionRecord(definition, []), 0),
                .. arns.Select(arn => EcsRecords.PutClaim(new TaskAssignmentRecord(arn, ClusterArn, "family:job", "job", 1, 1, [], []), InstanceArn, 0)),
                .. arns.Where(arn => !arn.EndsWith("/gone", StringComparison.Ordinal)).Select(arn => EcsRecords.PutTask(new EcsTask
                {
                    TaskArn = arn, ClusterArn = ClusterArn, ContainerInstanceArn = InstanceArn, TaskDefinitionArn = definition.TaskDefinitionArn,
                    Group = "family:job", LastStatus = TaskStatuses.Pending, DesiredStatus = TaskStatuses.Running, Containers = [],
                }, 0))],
            CancellationToken.None);
        return arns;
    }

    /// <summary>A poll whose assignments version is behind, so it is answered at once.</summary>
    private static async Task<AgentPollResponse> PollAsync(AgentHandler handler, long assignmentsVersion) =>
        JsonSerializer.Deserialize(await PollTextAsync(handler, assignmentsVersion), StateJsonContext.Default.AgentPollResponse)!;

    /// <inheritdoc cref="PollAsync"/>
    private static async Task<string> PollTextAsync(AgentHandler handler, long assignmentsVersion)
    {
        var http = PollRequest(assignmentsVersion, CancellationToken.None);
        await handler.PollAsync(http).WaitAsync(Guard);
        Assert.Equal(200, http.Response.StatusCode);
        return Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray());
    }

    /// <summary>A handler over <paramref name="store"/>; its key file sits next to the database, so the clean-up removes it.</summary>
    private async Task<AgentHandler> HandlerAsync(IStateStore store)
    {
        var cipher = await SecretCipher.OpenAsync(Fixture.DatabasePath + ".key", CancellationToken.None);
        var changes = new IdentityChanges();
        var keys = new AccessKeys(store, cipher, changes, _time);
        var roleSessions = new TaskRoleSessions(store, keys, new TaskRoleSessionOptions(), _time);
        var policies = new ManagedPolicies(store, changes, _time);
        var (users, roles) = (new IamUsers(store, keys, policies, changes, _time), new IamRoles(store, policies, changes, _time));
        var authorization = new RequestAuthorization(store, users, roles, policies, new ResourceTagLookup(store, users, roles), changes, _time);
        var resolver = new SecretValueResolver(new SsmParameters(store, cipher, new SecretChanges()), new ManagedSecrets(store, cipher, new SecretChanges()), authorization, _time);
        var secrets = new TaskSecrets(resolver, new TaskSecretOptions());
        _heartbeats = new HeartbeatWriter(store, AgentLiveness.Default, _time, NullLogger<HeartbeatWriter>.Instance);
        return new AgentHandler(store, _signals, new InstanceVersions(_feed), new ServiceSignal(), _heartbeats, roleSessions, secrets, new TaskStopper(store, _signals),
            new TaskReportBatches(new TaskReports(store, _time)), new ExecSessions(_signals, _time), _time);
    }

    private static DefaultHttpContext PollRequest(long assignmentsVersion, CancellationToken aborted, string instanceArn = InstanceArn) =>
        PostRequest(JsonSerializer.Serialize(
            new AgentPollRequest { ContainerInstanceArn = instanceArn, AssignmentsVersion = assignmentsVersion, WaitSeconds = 30 },
            StateJsonContext.Default.AgentPollRequest), aborted);

    private static DefaultHttpContext PostRequest(string body, CancellationToken aborted)
    {
        var http = new DefaultHttpContext { RequestAborted = aborted };
        http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        http.Response.Body = new MemoryStream();
        return http;
    }

    /// <summary>
    /// The store as the poll sees it when a RunTask lands in the worst moment: right after the poll's first read of its
    /// instance, the placement commits a new assignments version and notifies, as <see cref="TaskLauncher"/> does. The
    /// commit goes through <paramref name="inner"/>, this server's store (its change feed), as a placement's does.
    /// </summary>
    private sealed class PlacementAfterFirstInstanceRead(IStateStore inner, AssignmentSignals signals) : IStateStore
    {
        private int _reads;

        public async Task<StoredRecord?> GetAsync(string kind, string id, CancellationToken cancellationToken)
        {
            var record = await inner.GetAsync(kind, id, cancellationToken);
            if (kind == EcsRecords.ContainerInstances.Kind && id == InstanceArn && Interlocked.Increment(ref _reads) == 1)
            {
                var instance = await inner.GetAsync(EcsRecords.ContainerInstances, id, cancellationToken);
                await inner.CommitAsync([EcsRecords.BumpAssignments(instance!)], cancellationToken);
                signals.Notify(id);
            }
            return record;
        }

        public Task<IReadOnlyList<StoredRecord>> GetManyAsync(string kind, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
            inner.GetManyAsync(kind, ids, cancellationToken);

        public Task<IReadOnlyList<StoredRecord>> QueryAsync(RecordQuery query, CancellationToken cancellationToken) =>
            inner.QueryAsync(query, cancellationToken);

        public Task<IReadOnlyList<RecordVersion>> VersionsAsync(RecordQuery query, CancellationToken cancellationToken) =>
            inner.VersionsAsync(query, cancellationToken);

        public Task<int> CountAsync(RecordQuery query, CancellationToken cancellationToken) => inner.CountAsync(query, cancellationToken);

        public Task CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken) =>
            inner.CommitAsync(writes, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
