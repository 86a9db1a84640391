using Berth.Core.Agent;
using Berth.Core.Arns;
using Berth.Core.Ecs;
using Berth.Core.Identity.Authorization;
using Berth.Core.Identity.Credentials;
using Berth.Core.Tasks;
using Berth.Store;

namespace Berth.Control.Identity;

/// <summary>
/// Task role credentials as ECS gives them: a task whose definition (or RunTask's overrides) names a taskRoleArn acts as
/// the role session <c>arn:aws:sts::&lt;account&gt;:assumed-role/&lt;role name&gt;/&lt;task id&gt;</c>, and its agent acts
/// for it as the session of the same name of its executionRoleArn (<see cref="TaskRoleSessionKind"/>). The first poll
/// that hands the task to its agent issues the session's first temporary key; later polls hand the same key until it
/// nears expiry, then a new one (rotation: the old key stays valid until it expires). Keys are ordinary temporary
/// access keys (<see cref="AccessKeys"/>), so a container's SDK signs with them as with any STS credentials. They are
/// issued without <see cref="RoleSessions"/>, which needs the role: with auth off the role need not exist, and with
/// sigv4 the keys are tied to the id of the role as it is at issue (<see cref="AccessKeyRecord.RoleId"/>), so a key
/// of a role deleted since is refused; one issued while the role did not exist is authorized with no policies.
/// </summary>
public sealed class TaskRoleSessions(IStateStore store, AccessKeys keys, TaskRoleSessionOptions options, TimeProvider time)
{
    /// <summary>The role of the given kind: RunTask's override wins over the task definition's.</summary>
    public static string? RoleArnOf(EcsTask task, TaskDefinition definition, TaskRoleSessionKind kind) => kind == TaskRoleSessionKind.Task
        ? task.Overrides?.TaskRoleArn ?? definition.TaskRoleArn
        : task.Overrides?.ExecutionRoleArn ?? definition.ExecutionRoleArn;

    /// <summary>
    /// The session principal ECS gives a task: its role's name (the last part of the role ARN's path) and the task's id;
    /// null when either ARN does not parse.
    /// </summary>
    public static string? SessionPrincipalArn(string taskArn, string roleArn) =>
        EcsArn.TryParse(taskArn, out var task) && PrincipalArns.RoleName(roleArn) is { } roleName
            ? PrincipalArns.AssumedRole(task.AccountId, roleName, task.ResourceId[(task.ResourceId.LastIndexOf('/') + 1)..])
            : null;

    /// <summary>
    /// The credentials of the task's role of the given kind as they are handed now, issuing or renewing them; null for a
    /// task without such a role or one that has stopped.
    /// </summary>
    public async Task<TaskRoleCredentials?> CurrentAsync(EcsTask task, TaskDefinition definition, TaskRoleSessionKind kind, CancellationToken cancellationToken)
    {
        if (task.LastStatus == TaskStatuses.Stopped || task.TaskArn is not { } taskArn || RoleArnOf(task, definition, kind) is not { } roleArn
            || SessionPrincipalArn(taskArn, roleArn) is not { } principal)
        {
            return null;
        }
        var now = time.GetUtcNow();
        var session = await store.GetAsync(IdentityRecords.TaskRoleSessions, IdentityRecords.TaskRoleSessionId(taskArn, kind), cancellationToken).ConfigureAwait(false);
        if (session is not null && session.Value.Expiration - now > options.RenewBefore
            && await keys.FindAsync(session.Value.AccessKeyId, cancellationToken).ConfigureAwait(false) is { } current)
        {
            return Shape(roleArn, current.AccessKeyId, current.Credential.SecretAccessKey, current.Credential.SessionToken!, session.Value.Expiration);
        }
        var account = AccountOf(principal);
        var issued = await keys.CreateAsync(account, principal, AccessKeyRecord.TemporaryPrefix, now + options.Lifetime, cancellationToken,
            await RoleIdAsync(account, roleArn, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        var record = new TaskRoleSessionRecord(taskArn, roleArn, principal, issued.AccessKeyId, issued.Expiration!.Value, kind);
        try
        {
            await store.CommitAsync([IdentityRecords.PutTaskRoleSession(account, record, session?.Version ?? 0)], cancellationToken).ConfigureAwait(false);
        }
        catch (ConcurrencyConflictException)
        {
            // Another poll renewed at the same moment: both keys are valid, the next poll hands the one it recorded, and
            // this one is revoked with the session's other keys when it expires or the task stops.
        }
        return Shape(roleArn, issued.AccessKeyId, issued.SecretAccessKey, issued.SessionToken!, issued.Expiration.Value);
    }

    /// <summary>
    /// Revokes the keys of every session whose task has stopped (or is gone) and drops the session, and deletes the
    /// expired keys of the others: a stopped task's credentials stop working at once, not at their expiry.
    /// </summary>
    /// <returns>How many keys were revoked.</returns>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var revoked = 0;
        var sessions = await store.QueryAsync(IdentityRecords.TaskRoleSessions, new RecordQuery(IdentityRecords.TaskRoleSessions.Kind, null), cancellationToken).ConfigureAwait(false);
        foreach (var session in sessions)
        {
            var task = await store.GetAsync(EcsRecords.Tasks, session.Value.TaskArn, cancellationToken).ConfigureAwait(false);
            var ended = task is null || task.Value.LastStatus == TaskStatuses.Stopped;
            var principal = session.Value.PrincipalArn;
            var sessionKeys = await store.QueryAsync(IdentityRecords.AccessKeys,
                new RecordQuery(IdentityRecords.AccessKeys.Kind, IdentityRecords.AccountScope(AccountOf(principal))) { SortKeyPrefix = IdentityRecords.PrincipalKeys(principal) },
                cancellationToken).ConfigureAwait(false);
            foreach (var key in sessionKeys.Where(k => ended || k.Value.Expiration <= now))
            {
                if (await keys.DeleteAsync(principal, key.Id, cancellationToken).ConfigureAwait(false))
                {
                    revoked++;
                }
            }
            if (ended)
            {
                try
                {
                    await store.CommitAsync([IdentityRecords.TaskRoleSessions.Delete(session)], cancellationToken).ConfigureAwait(false);
                }
                catch (ConcurrencyConflictException)
                {
                    // A last poll renewed it while the task stopped: the next sweep revokes that key too.
                }
            }
        }
        return revoked;
    }

    /// <summary>The id of the role the ARN names, which the session's keys are tied to; null when there is none.</summary>
    private async Task<string?> RoleIdAsync(string accountId, string roleArn, CancellationToken cancellationToken)
    {
        var role = PrincipalArns.RoleName(roleArn) is { } name
            ? await store.GetAsync(IdentityRecords.Roles, IdentityRecords.RoleRecordId(accountId, name), cancellationToken).ConfigureAwait(false)
            : null;
        return role is not null && role.Value.Arn == roleArn ? role.Value.RoleId : null;
    }

    // arn:aws:sts::<account>:assumed-role/…
    private static string AccountOf(string principalArn) => principalArn.Split(':')[4];

    private static TaskRoleCredentials Shape(string roleArn, string accessKeyId, string secret, string token, DateTimeOffset expiration) => new()
    {
        RoleArn = roleArn,
        AccessKeyId = accessKeyId,
        SecretAccessKey = secret,
        Token = token,
        Expiration = expiration,
    };
}
