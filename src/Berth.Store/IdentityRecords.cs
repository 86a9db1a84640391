using Berth.Core.Identity.Credentials;

namespace Berth.Store;

/// <summary>
/// The kinds of identity records and how each is addressed. Identity is global to an account, as IAM is: scopes
/// are <see cref="AccountScope"/>, not a region.
/// </summary>
public static class IdentityRecords
{
    /// <summary>Id: the access key id; scope: <see cref="AccountScope"/>; sort key: principal ARN and key id, so a principal's keys are adjacent.</summary>
    public static readonly RecordType<AccessKeyRecord> AccessKeys = new("access-key", IdentityJsonContext.Default);

    /// <summary>Id: <see cref="UserRecordId"/>; scope: <see cref="AccountScope"/>; sort key: the user name as IAM lists users.</summary>
    public static readonly RecordType<IamUserRecord> Users = new("iam-user", IdentityJsonContext.Default);

    /// <summary>Id: <see cref="RoleRecordId"/>; scope: <see cref="AccountScope"/>; sort key: the role name as IAM lists roles.</summary>
    public static readonly RecordType<IamRoleRecord> Roles = new("iam-role", IdentityJsonContext.Default);

    /// <summary>Id: <see cref="GroupRecordId"/>; scope: <see cref="AccountScope"/>; sort key: the group name as IAM lists groups.</summary>
    public static readonly RecordType<IamGroupRecord> Groups = new("iam-group", IdentityJsonContext.Default);

    /// <summary>Id: <see cref="PolicyRecordId"/>; scope: <see cref="AccountScope"/>; sort key: the policy name as IAM lists policies.</summary>
    public static readonly RecordType<ManagedPolicyRecord> Policies = new("iam-policy", IdentityJsonContext.Default);

    /// <summary>Id: <see cref="TaskRoleSessionId"/>; scope: <see cref="AccountScope"/>; sort key: the id.</summary>
    public static readonly RecordType<TaskRoleSessionRecord> TaskRoleSessions = new("task-role-session", IdentityJsonContext.Default);

    public static string AccountScope(string accountId) => $"iam:{accountId}";

    /// <summary>The sort-key prefix of one principal's keys.</summary>
    public static string PrincipalKeys(string principalArn) => $"{principalArn} ";

    public static PutRecord PutAccessKey(string accountId, AccessKeyRecord key, long expectedVersion) =>
        AccessKeys.Put(key.AccessKeyId, AccountScope(accountId), PrincipalKeys(key.PrincipalArn) + key.AccessKeyId, key, expectedVersion);

    /// <summary>A user's record id: IAM user names are unique within an account regardless of case.</summary>
    public static string UserRecordId(string accountId, string userName) => $"{accountId}/{userName.ToLowerInvariant()}";

    public static PutRecord PutUser(string accountId, IamUserRecord user, long expectedVersion) =>
        Users.Put(UserRecordId(accountId, user.UserName), AccountScope(accountId), user.UserName.ToLowerInvariant(), user, expectedVersion);

    /// <summary>A role's record id: IAM role names are unique within an account regardless of case.</summary>
    public static string RoleRecordId(string accountId, string roleName) => $"{accountId}/{roleName.ToLowerInvariant()}";

    public static PutRecord PutRole(string accountId, IamRoleRecord role, long expectedVersion) =>
        Roles.Put(RoleRecordId(accountId, role.RoleName), AccountScope(accountId), role.RoleName.ToLowerInvariant(), role, expectedVersion);

    /// <summary>A group's record id: IAM group names are unique within an account regardless of case.</summary>
    public static string GroupRecordId(string accountId, string groupName) => $"{accountId}/{groupName.ToLowerInvariant()}";

    public static PutRecord PutGroup(string accountId, IamGroupRecord group, long expectedVersion) =>
        Groups.Put(GroupRecordId(accountId, group.GroupName), AccountScope(accountId), group.GroupName.ToLowerInvariant(), group, expectedVersion);

    /// <summary>A customer managed policy's record id: policy names are unique within an account regardless of case and path.</summary>
    public static string PolicyRecordId(string accountId, string policyName) => $"{accountId}/{policyName.ToLowerInvariant()}";

    public static PutRecord PutPolicy(string accountId, ManagedPolicyRecord policy, long expectedVersion) =>
        Policies.Put(PolicyRecordId(accountId, policy.PolicyName), AccountScope(accountId), policy.PolicyName.ToLowerInvariant(), policy, expectedVersion);

    /// <summary>A task role session's id is the task ARN (as before execution roles had sessions); an execution role session's has a suffix.</summary>
    public static string TaskRoleSessionId(string taskArn, TaskRoleSessionKind kind) =>
        kind == TaskRoleSessionKind.Task ? taskArn : $"{taskArn}#execution";

    public static PutRecord PutTaskRoleSession(string accountId, TaskRoleSessionRecord session, long expectedVersion)
    {
        var id = TaskRoleSessionId(session.TaskArn, session.Kind);
        return TaskRoleSessions.Put(id, AccountScope(accountId), id, session, expectedVersion);
    }
}
