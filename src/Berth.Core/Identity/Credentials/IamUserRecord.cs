namespace Berth.Core.Identity.Credentials;

/// <summary>
/// A stored IAM user with its permissions: its inline policies (documents as the caller wrote them, already
/// validated) and the ARNs of the managed policies attached to it. One record, so a request's authorization reads
/// one row for the user's whole policy set.
/// </summary>
/// <param name="UserName">As created; IAM compares user names without regard to case.</param>
/// <param name="UserId">IAM's unique id (<c>AIDA…</c>), aws:userid.</param>
/// <param name="Path">IAM path, <c>/</c> by default; part of the ARN.</param>
/// <param name="PermissionsBoundaryArn">The managed policy that bounds what the user's policies allow, if any.</param>
public sealed record IamUserRecord(
    string UserName,
    string UserId,
    string Path,
    string Arn,
    DateTimeOffset CreateDate,
    IReadOnlyDictionary<string, string> InlinePolicies,
    IReadOnlyList<string> AttachedPolicyArns,
    IReadOnlyDictionary<string, string> Tags,
    string? PermissionsBoundaryArn = null);
