namespace Berth.Core.Identity.Credentials;

/// <summary>
/// The role session of one task that has a task role or an execution role (ECS names both
/// <c>assumed-role/&lt;role&gt;/&lt;task id&gt;</c>): which key the task (or, for the execution role, its agent) is
/// handed now, so every poll hands the same credentials until they are renewed, and which principal's keys to revoke
/// once the task has stopped.
/// </summary>
/// <param name="TaskArn">The task the session belongs to.</param>
/// <param name="RoleArn">The role (the task definition's taskRoleArn or executionRoleArn, or the override's).</param>
/// <param name="PrincipalArn">The session's principal, <c>arn:aws:sts::&lt;account&gt;:assumed-role/&lt;role name&gt;/&lt;task id&gt;</c>.</param>
/// <param name="AccessKeyId">The newest temporary key of the session; older ones stay valid until they expire.</param>
/// <param name="Expiration">When <paramref name="AccessKeyId"/> expires.</param>
/// <param name="Kind">Which role of the task; records written before execution roles had sessions are task role sessions.</param>
public sealed record TaskRoleSessionRecord(string TaskArn, string RoleArn, string PrincipalArn, string AccessKeyId, DateTimeOffset Expiration,
    TaskRoleSessionKind Kind = TaskRoleSessionKind.Task);
