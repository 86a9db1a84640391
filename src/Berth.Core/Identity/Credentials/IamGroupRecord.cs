namespace Berth.Core.Identity.Credentials;

/// <summary>
/// A stored IAM group: its members and its permissions (inline policies and attached managed policy ARNs), which
/// every member holds besides its own.
/// </summary>
/// <param name="GroupName">As created; IAM compares group names without regard to case.</param>
/// <param name="GroupId">IAM's unique id (<c>AGPA…</c>).</param>
/// <param name="Path">IAM path, <c>/</c> by default; part of the ARN.</param>
/// <param name="UserNames">The members' user names, as the users were created.</param>
public sealed record IamGroupRecord(
    string GroupName,
    string GroupId,
    string Path,
    string Arn,
    DateTimeOffset CreateDate,
    IReadOnlyDictionary<string, string> InlinePolicies,
    IReadOnlyList<string> AttachedPolicyArns,
    IReadOnlyList<string> UserNames);
