namespace Berth.Core.Identity.Credentials;

/// <summary>
/// A customer managed policy: a named, versioned identity policy of an account that users and roles attach by
/// ARN. Requests are authorized against its default version.
/// </summary>
/// <param name="PolicyName">Unique in the account, without regard to case or path.</param>
/// <param name="PolicyId">IAM's unique id (<c>ANPA…</c>).</param>
/// <param name="Arn"><c>arn:aws:iam::123456789012:policy/path/name</c>.</param>
/// <param name="Versions">At most five, oldest first; documents as the caller wrote them, already validated.</param>
/// <param name="NextVersion">The number of the next version: IAM never reuses a version id, even after deleting one.</param>
public sealed record ManagedPolicyRecord(
    string PolicyName,
    string PolicyId,
    string Path,
    string Arn,
    string? Description,
    string DefaultVersionId,
    IReadOnlyList<ManagedPolicyVersion> Versions,
    int NextVersion,
    DateTimeOffset CreateDate,
    DateTimeOffset UpdateDate,
    IReadOnlyDictionary<string, string> Tags)
{
    /// <summary>IAM's quota of versions a managed policy keeps.</summary>
    public const int MaxVersions = 5;

    public ManagedPolicyVersion DefaultVersion => Versions.Single(v => v.VersionId == DefaultVersionId);
}

/// <summary>One version of a managed policy: <c>v1</c>, <c>v2</c>…</summary>
public sealed record ManagedPolicyVersion(string VersionId, string Document, DateTimeOffset CreateDate);
