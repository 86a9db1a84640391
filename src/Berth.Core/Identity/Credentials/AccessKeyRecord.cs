namespace Berth.Core.Identity.Credentials;

/// <summary>
/// A stored access key: long-term (an <c>AKIA…</c> key of the root user or an IAM user) or temporary (an
/// <c>ASIA…</c> key from STS, with its session token and expiry). SigV4 verification needs the secret itself, so it
/// is kept encrypted (<see cref="EncryptedSecret"/>), never in plain text.
/// </summary>
/// <param name="AccessKeyId">The key's id, which requests name in their credential scope.</param>
/// <param name="EncryptedSecret">The secret access key, encrypted with the data directory's key (Berth.Store's SecretCipher).</param>
/// <param name="PrincipalArn">Who signs with it: <c>arn:aws:iam::123456789012:root</c>, a user's ARN, or an assumed role's session ARN.</param>
/// <param name="Status">IAM's <c>Active</c> or <c>Inactive</c>: an inactive key is refused like an unknown one.</param>
/// <param name="CreateDate">When it was made.</param>
/// <param name="SessionToken">For temporary credentials, the token every request must carry (X-Amz-Security-Token).</param>
/// <param name="Expiration">For temporary credentials, when they stop working (then ExpiredToken).</param>
/// <param name="RoleId">
/// For a role session's key, the <c>AROA…</c> id of the role it was issued for: the key works only while a role of
/// that id exists, so a role made again under the same name never gives the old sessions its permissions. Null for
/// other keys, and for a task's session issued while its role did not exist (possible with auth off).
/// </param>
public sealed record AccessKeyRecord(
    string AccessKeyId,
    string EncryptedSecret,
    string PrincipalArn,
    string Status,
    DateTimeOffset CreateDate,
    string? SessionToken = null,
    DateTimeOffset? Expiration = null,
    string? RoleId = null)
{
    public const string Active = "Active";

    public const string Inactive = "Inactive";

    /// <summary>The prefix of long-term keys (IAM users and the root user).</summary>
    public const string LongTermPrefix = "AKIA";

    /// <summary>The prefix of temporary keys (STS sessions and assumed roles).</summary>
    public const string TemporaryPrefix = "ASIA";
}
