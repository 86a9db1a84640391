using Berth.Control.Identity;
using Berth.Core.Ecs;
using Berth.Core.Identity.Credentials;
using Berth.Core.Tasks;
using Berth.Store;
using Berth.Store.Identity;
using Berth.Store.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Api.Tests.Identity;

/// <summary>Task role sessions against a real SQLite store, on a clock the tests move: issue, hand again, rotate, revoke.</summary>
public sealed class TaskRoleSessionsTests : IAsyncLifetime
{
    private const string TaskArn = "arn:aws:ecs:us-east-1:000000000000:task/web/0123456789abcdef0123456789abcdef";
    private const string RoleArn = "arn:aws:iam::000000000000:role/service/app-role";

    private static readonly TaskRoleSessionOptions Options = new() { Lifetime = TimeSpan.FromHours(1), RenewBefore = TimeSpan.FromMinutes(30) };

    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"berth-task-roles-{Guid.NewGuid():N}.db");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
    private SqliteStateStore? _store;
    private AccessKeys? _keys;
    private TaskRoleSessions? _sessions;

    private SqliteStateStore Store => _store!;

    private AccessKeys Keys => _keys!;

    private TaskRoleSessions Sessions => _sessions!;

    public async Task InitializeAsync()
    {
        _store = await SqliteStateStore.OpenAsync(_databasePath, CancellationToken.None);
        _keys = new AccessKeys(Store, await SecretCipher.OpenAsync(_databasePath + ".key", CancellationToken.None), new IdentityChanges(), _time);
        _sessions = new TaskRoleSessions(Store, Keys, Options, _time);
    }

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(_databasePath)!, Path.GetFileName(_databasePath) + "*"))
        {
            File.Delete(file);
        }
    }

    private static EcsTask Task(string lastStatus = TaskStatuses.Running, string? overrideRole = null) => new()
    {
        TaskArn = TaskArn,
        ClusterArn = "arn:aws:ecs:us-east-1:000000000000:cluster/web",
        LastStatus = lastStatus,
        Overrides = overrideRole is null ? null : new TaskOverride { TaskRoleArn = overrideRole },
    };

    private static TaskDefinition Definition(string? roleArn = RoleArn, string? executionRoleArn = null) =>
        new() { Family = "app", TaskRoleArn = roleArn, ExecutionRoleArn = executionRoleArn };

    [Fact]
    public async Task A_task_without_a_role_or_a_stopped_task_gets_no_credentials()
    {
        Assert.Null(await Sessions.CurrentAsync(Task(), Definition(roleArn: null), TaskRoleSessionKind.Task, CancellationToken.None));
        Assert.Null(await Sessions.CurrentAsync(Task(TaskStatuses.Stopped), Definition(), TaskRoleSessionKind.Task, CancellationToken.None));
    }

    [Fact]
    public async Task The_first_credentials_are_the_tasks_role_session_and_later_polls_hand_the_same_key()
    {
        var first = (await Sessions.CurrentAsync(Task(), Definition(), TaskRoleSessionKind.Task, CancellationToken.None))!;
        Assert.Equal(RoleArn, first.RoleArn);
        Assert.StartsWith("ASIA", first.AccessKeyId, StringComparison.Ordinal);
        Assert.Equal(_time.GetUtcNow() + Options.Lifetime, first.Expiration);
        var key = (await Keys.FindAsync(first.AccessKeyId, CancellationToken.None))!;
        Assert.Equal("arn:aws:sts::000000000000:assumed-role/app-role/0123456789abcdef0123456789abcdef", key.PrincipalArn);
        Assert.Equal((first.SecretAccessKey, first.Token), (key.Credential.SecretAccessKey, key.Credential.SessionToken));

        _time.Advance(TimeSpan.FromMinutes(29));
        var again = (await Sessions.CurrentAsync(Task(), Definition(), TaskRoleSessionKind.Task, CancellationToken.None))!;
        Assert.Equal((first.AccessKeyId, first.SecretAccessKey, first.Token, first.Expiration),
            (again.AccessKeyId, again.SecretAccessKey, again.Token, again.Expiration));
    }

    [Fact]
    public async Task RunTasks_role_override_wins_over_the_task_definitions()
    {
        var credentials = (await Sessions.CurrentAsync(Task(overrideRole: "arn:aws:iam::000000000000:role/other"), Definition(), TaskRoleSessionKind.Task, CancellationToken.None))!;
        Assert.Equal("arn:aws:iam::000000000000:role/other", credentials.RoleArn);
        Assert.Equal("arn:aws:sts::000000000000:assumed-role/other/0123456789abcdef0123456789abcdef",
            (await Keys.FindAsync(credentials.AccessKeyId, CancellationToken.None))!.PrincipalArn);
    }

    [Fact]
    public async Task Credentials_are_replaced_well_before_they_expire_and_the_old_key_works_until_its_expiry_then_is_swept()
    {
        await Store.CommitAsync([EcsRecords.PutTask(Task(), 0)], CancellationToken.None);
        var first = (await Sessions.CurrentAsync(Task(), Definition(), TaskRoleSessionKind.Task, CancellationToken.None))!;

        _time.Advance(TimeSpan.FromMinutes(31));
        var renewed = (await Sessions.CurrentAsync(Task(), Definition(), TaskRoleSessionKind.Task, CancellationToken.None))!;
        Assert.NotEqual(first.AccessKeyId, renewed.AccessKeyId);
        Assert.Equal(_time.GetUtcNow() + Options.Lifetime, renewed.Expiration);
        Assert.Equal(0, await Sessions.SweepAsync(CancellationToken.None));
        Assert.NotNull(await Keys.FindAsync(first.AccessKeyId, CancellationToken.None));

        // The first key's hour is up; the renewed one still has 31 minutes, more than the renewal margin.
        _time.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(1, await Sessions.SweepAsync(CancellationToken.None));
        Assert.Null(await Keys.FindAsync(first.AccessKeyId, CancellationToken.None));
        Assert.Equal(renewed.AccessKeyId, (await Sessions.CurrentAsync(Task(), Definition(), TaskRoleSessionKind.Task, CancellationToken.None))!.AccessKeyId);
    }

    [Fact]
    public async Task A_stopped_tasks_keys_are_revoked_at_the_next_sweep_and_its_session_dropped()
    {
        await Store.CommitAsync([EcsRecords.PutTask(Task(), 0)], CancellationToken.None);
        var first = (await Sessions.CurrentAsync(Task(), Definition(), TaskRoleSessionKind.Task, CancellationToken.None))!;
        _time.Advance(TimeSpan.FromMinutes(31));
        var renewed = (await Sessions.CurrentAsync(Task(), Definition(), TaskRoleSessionKind.Task, CancellationToken.None))!;
        var stored = (await Store.GetAsync(EcsRecords.Tasks, TaskArn, CancellationToken.None))!;
        await Store.CommitAsync([EcsRecords.PutTask(Task(TaskStatuses.Stopped), stored.Version)], CancellationToken.None);

        Assert.Equal(2, await Sessions.SweepAsync(CancellationToken.None));
        Assert.Null(await Keys.FindAsync(first.AccessKeyId, CancellationToken.None));
        Assert.Null(await Keys.FindAsync(renewed.AccessKeyId, CancellationToken.None));
        Assert.Null(await Store.GetAsync(IdentityRecords.TaskRoleSessions, TaskArn, CancellationToken.None));
        Assert.Equal(0, await Sessions.SweepAsync(CancellationToken.None));
    }

    [Fact]
    public async Task The_execution_role_has_its_own_session_key_and_record_even_when_it_is_the_task_role()
    {
        Assert.Null(await Sessions.CurrentAsync(Task(), Definition(), TaskRoleSessionKind.Execution, CancellationToken.None));

        var definition = Definition(executionRoleArn: RoleArn);
        var task = (await Sessions.CurrentAsync(Task(), definition, TaskRoleSessionKind.Task, CancellationToken.None))!;
        var execution = (await Sessions.CurrentAsync(Task(), definition, TaskRoleSessionKind.Execution, CancellationToken.None))!;
        Assert.Equal(RoleArn, execution.RoleArn);
        Assert.NotEqual(task.AccessKeyId, execution.AccessKeyId);
        Assert.Equal("arn:aws:sts::000000000000:assumed-role/app-role/0123456789abcdef0123456789abcdef",
            (await Keys.FindAsync(execution.AccessKeyId, CancellationToken.None))!.PrincipalArn);
        Assert.Equal(execution.AccessKeyId,
            (await Sessions.CurrentAsync(Task(), definition, TaskRoleSessionKind.Execution, CancellationToken.None))!.AccessKeyId);
        Assert.Equal(task.AccessKeyId, (await Sessions.CurrentAsync(Task(), definition, TaskRoleSessionKind.Task, CancellationToken.None))!.AccessKeyId);
        var record = (await Store.GetAsync(IdentityRecords.TaskRoleSessions, IdentityRecords.TaskRoleSessionId(TaskArn, TaskRoleSessionKind.Execution),
            CancellationToken.None))!;
        Assert.Equal((TaskRoleSessionKind.Execution, execution.AccessKeyId), (record.Value.Kind, record.Value.AccessKeyId));
    }

    [Fact]
    public async Task RunTasks_execution_role_override_wins_and_a_stopped_tasks_execution_keys_are_revoked()
    {
        await Store.CommitAsync([EcsRecords.PutTask(Task(), 0)], CancellationToken.None);
        var overridden = Task() with { Overrides = new TaskOverride { ExecutionRoleArn = "arn:aws:iam::000000000000:role/exec" } };
        var execution = (await Sessions.CurrentAsync(overridden, Definition(roleArn: null, executionRoleArn: RoleArn), TaskRoleSessionKind.Execution,
            CancellationToken.None))!;
        Assert.Equal("arn:aws:iam::000000000000:role/exec", execution.RoleArn);
        Assert.Equal("arn:aws:sts::000000000000:assumed-role/exec/0123456789abcdef0123456789abcdef",
            (await Keys.FindAsync(execution.AccessKeyId, CancellationToken.None))!.PrincipalArn);
        Assert.Equal(0, await Sessions.SweepAsync(CancellationToken.None));

        var stored = (await Store.GetAsync(EcsRecords.Tasks, TaskArn, CancellationToken.None))!;
        await Store.CommitAsync([EcsRecords.PutTask(Task(TaskStatuses.Stopped), stored.Version)], CancellationToken.None);
        Assert.Equal(1, await Sessions.SweepAsync(CancellationToken.None));
        Assert.Null(await Keys.FindAsync(execution.AccessKeyId, CancellationToken.None));
        Assert.Null(await Store.GetAsync(IdentityRecords.TaskRoleSessions, IdentityRecords.TaskRoleSessionId(TaskArn, TaskRoleSessionKind.Execution),
            CancellationToken.None));
    }
}
