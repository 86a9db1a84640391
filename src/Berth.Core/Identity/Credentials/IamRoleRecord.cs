namespace Berth.Core.Identity.Credentials;

/// <summary>
/// A stored IAM role: who may assume it (<see cref="AssumeRolePolicyDocument"/>, its trust policy) and what its
/// sessions may do (its inline policies and the ARNs of the managed policies attached to it). One record, so
/// authorizing a role session reads one row for the role's whole policy set, as for a user.
/// </summary>
/// <param name="RoleName">As created; IAM compares role names without regard to case.</param>
/// <param name="RoleId">IAM's unique id (<c>AROA…</c>); a session's aws:userid is <c>RoleId:SessionName</c>.</param>
/// <param name="Path">IAM path, <c>/</c> by default; part of the ARN.</param>
/// <param name="Arn"><c>arn:aws:iam::123456789012:role/path/name</c>.</param>
/// <param name="AssumeRolePolicyDocument">The trust policy as the caller wrote it, already validated.</param>
/// <param name="MaxSessionDuration">The longest session AssumeRole may give, in seconds (3600 to 43200).</param>
public sealed record IamRoleRecord(
    string RoleName,
    string RoleId,
    string Path,
    string Arn,
    string AssumeRolePolicyDocument,
    string? Description,
    int MaxSessionDuration,
    DateTimeOffset CreateDate,
    IReadOnlyDictionary<string, string> InlinePolicies,
    IReadOnlyList<string> AttachedPolicyArns,
    IReadOnlyDictionary<string, string> Tags,
    string? PermissionsBoundaryArn = null)
{
    public const int DefaultMaxSessionDuration = 3600;
}
